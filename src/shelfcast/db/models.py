"""Every table, imported in one place so metadata is complete for Alembic and tests."""

from shelfcast.accounts.models import Account, ApiKey, User
from shelfcast.catalog.imports.models import Import, ImportMapping
from shelfcast.catalog.models import (
    Category,
    CustomField,
    CustomFieldValue,
    Price,
    PriceType,
    Product,
    ProductImage,
    StockAdjustment,
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
    "Import",
    "ImportMapping",
    "Integration",
    "Price",
    "PriceType",
    "Product",
    "ProductImage",
    "StockAdjustment",
    "StockLevel",
    "User",
    "Warehouse",
]
