"""Shop software that imports a product file: PrestaShop, WooCommerce, Shopify.

An import updates the products it finds in the file and leaves the others as
they were, so these presets list sold-out products with 0: left out, the shop
would keep selling its last quantity. Stock counts in these shops are whole
numbers, so quantities are rounded down.
"""

from __future__ import annotations

from shelfcast.feeds.fields import ProductField as F
from shelfcast.feeds.presets.model import Preset, col, price
from shelfcast.render.spec import CsvSeparator, FileType

SHOP_PRESETS: tuple[Preset, ...] = (
    # PrestaShop: https://doc.prestashop.com/plugins/viewsource/viewpagesrc.action?pageId=43614285
    # (CSV import, semicolon recommended, UTF-8; the product import's field names;
    # several image URLs in one cell separated by commas).
    Preset(
        key="prestashop",
        marketplace="PrestaShop import",
        store_url="https://www.prestashop.com",
        source="https://doc.prestashop.com/plugins/viewsource/viewpagesrc.action?pageId=43614285",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.SEMICOLON,
        file_name="prestashop_products",
        columns=(
            col("Active (0/1)", "1"),
            col("Name *", F.NAME, required=True),
            col("Categories (x,y,z...)", F.CATEGORY),
            price("Price tax excluded", required=True),
            col("Reference #", F.SKU, required=True),
            col("Manufacturer", F.BRAND),
            col("EAN13", F.BARCODE),
            col("Weight", F.WEIGHT),
            col("Quantity", F.QUANTITY),
            col("Description", F.DESCRIPTION),
            col("Image URLs (x,y,z...)", F.IMAGES),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
    # WooCommerce: https://github.com/woocommerce/woocommerce/wiki/Product-CSV-Importer-&-Exporter
    # (the importer's schema: SKU, Name required; categories with ">" for levels;
    # "In stock?" 1 or 0; Images a comma-separated list of URLs).
    Preset(
        key="woocommerce",
        marketplace="WooCommerce import",
        store_url="https://woocommerce.com",
        source="https://github.com/woocommerce/woocommerce/wiki/Product-CSV-Importer-&-Exporter",
        file_type=FileType.CSV,
        file_name="woocommerce_products",
        columns=(
            col("Type", "simple"),
            col("SKU", F.SKU, required=True),
            col("Name", F.NAME, required=True),
            col("Published", "1"),
            col("Description", F.DESCRIPTION),
            col("In stock?", F.AVAILABILITY),
            col("Stock", F.QUANTITY),
            col("Weight (kg)", F.WEIGHT),
            price("Regular price"),
            col("Categories", F.CATEGORY_PATH),
            col("Images", F.IMAGES),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
        availability_labels=("1", "0"),
    ),
    # Shopify: https://help.shopify.com/en/manual/products/inventory/getting-started-with-inventory/inventory-csv
    # (the inventory CSV: Handle, Title, option columns, SKU, Location, On hand).
    # Handle is proposed from the SKU (stores that use SKUs as handles); Location is
    # the Shopify location's name, left for the merchant to type.
    Preset(
        key="shopify_inventory",
        marketplace="Shopify inventory import",
        store_url="https://admin.shopify.com",
        source="https://help.shopify.com/en/manual/products/inventory/getting-started-with-inventory/inventory-csv",
        file_type=FileType.CSV,
        file_name="shopify_inventory",
        columns=(
            col("Handle", F.SKU, required=True),
            col("Title", F.NAME),
            col("Option1 Name", "Title"),
            col("Option1 Value", "Default Title"),
            col("SKU", F.SKU),
            col("Location", "", required=True),
            col("On hand", F.QUANTITY, required=True),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
)
