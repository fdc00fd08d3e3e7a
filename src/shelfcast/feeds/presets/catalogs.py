"""Shopping catalogs that show products as ads: Google Merchant Center and Meta.

Both want every product with its availability rather than a file of what is
in stock: Google keeps a product it no longer finds as expiring and re-reviews
it when it comes back, and Meta deletes every item missing from a scheduled
feed, so these presets list sold-out products too, labelled out of stock.
"""

from __future__ import annotations

from shelfcast.feeds.fields import ProductField as F
from shelfcast.feeds.presets.model import Preset, col, price
from shelfcast.render.spec import CsvSeparator, FileType, LineBreaks

CATALOG_PRESETS: tuple[Preset, ...] = (
    # Google: https://support.google.com/merchants/answer/7052112 (product data
    # specification: id, title, description, link, image_link, availability, price
    # required; brand, gtin, condition where they apply). Delimited text, tab-separated.
    # availability takes in_stock / out_of_stock (answer/6324448); additional_image_link
    # takes up to 10 URLs separated by commas in text feeds (answer/6324370), which is
    # how images_rest joins them. A tab or line break inside a description would end
    # the product's row in a tab-delimited file: they become spaces.
    Preset(
        key="google_merchant",
        marketplace="Google Merchant Center",
        store_url="https://merchants.google.com",
        source="https://support.google.com/merchants/answer/7052112",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.TAB,
        file_name="google_products",
        columns=(
            col("id", F.SKU, required=True),
            col("title", F.NAME, required=True),
            col("description", F.DESCRIPTION, required=True),
            col("link", "", required=True),
            col("image_link", F.IMAGE_1, required=True),
            col("additional_image_link", F.IMAGES_REST),
            col("availability", F.AVAILABILITY, required=True),
            price("price", required=True),
            col("condition", "new"),
            col("brand", F.BRAND),
            col("gtin", F.BARCODE),
        ),
        include_zero_stock=True,
        availability_labels=("in_stock", "out_of_stock"),
        line_breaks=LineBreaks.SPACE,
    ),
    # Meta: https://developers.facebook.com/docs/marketing-api/catalog/reference
    # (CSV feeds) and its catalog fields page; required: id, title, description,
    # availability ("in stock" / "out of stock"), condition, price, link, image_link,
    # brand; additional_image_link holds more image URLs separated by commas.
    Preset(
        key="meta_catalog",
        marketplace="Meta (Facebook and Instagram) catalog",
        store_url="https://business.facebook.com/commerce",
        source="https://developers.facebook.com/docs/marketing-api/catalog/reference",
        file_type=FileType.CSV,
        file_name="meta_catalog",
        columns=(
            col("id", F.SKU, required=True),
            col("title", F.NAME, required=True),
            col("description", F.DESCRIPTION, required=True),
            col("availability", F.AVAILABILITY, required=True),
            col("condition", "new", required=True),
            price("price", required=True),
            col("link", "", required=True),
            col("image_link", F.IMAGE_1, required=True),
            col("additional_image_link", F.IMAGES_REST),
            col("brand", F.BRAND, required=True),
        ),
        include_zero_stock=True,
        availability_labels=("in stock", "out of stock"),
    ),
)
