"""Every table, imported in one place so metadata is complete for Alembic and tests."""

from shelfcast.accounts.models import Account, ApiKey, User
from shelfcast.catalog.models import (
    Category,
    CustomField,
    CustomFieldValue,
    Price,
    PriceType,
    Product,
    ProductImage,
    StockLevel,
    Warehouse,
)
from shelfcast.db.base import Base
from shelfcast.feeds.models import FeedColumn, FeedFile, FeedLink, FeedWarehouse, Integration
from shelfcast.publish.models import BuildRecord, FeedBuild, Fetch, FetchClient, FetchDay

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "BuildRecord",
    "Category",
    "CustomField",
    "CustomFieldValue",
    "FeedBuild",
    "FeedColumn",
    "FeedFile",
    "FeedLink",
    "FeedWarehouse",
    "Fetch",
    "FetchClient",
    "FetchDay",
    "Integration",
    "Price",
    "PriceType",
    "Product",
    "ProductImage",
    "StockLevel",
    "User",
    "Warehouse",
]
