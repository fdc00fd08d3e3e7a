"""Marketplace presets: the file each well-known channel expects, as data.

A preset is a starting point, never a constraint: the form (and ``GET
/feed-presets``) opens it as an ordinary feed body and the merchant edits
anything. What stays with the feed is the preset's key, so the validation
report can check that the marketplace's required columns are present and
filled (``feeds/validation.py``).

Each preset names where its column names come from (``source``). Where a
marketplace's own page was not reachable, the source is the most direct
public description found (an integrator's help page) and the comment says so.

Columns map only to fields every feed has today. Where a marketplace wants a
per-product availability label, the preset writes the in-stock label as a
constant: files leave out products without stock unless the merchant asks for
them, so every row is in stock. (The output options add an ``availability``
field, ``image_1`` and per-warehouse quantities; presets can move to them.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from shelfcast.feeds.fields import ProductField
from shelfcast.render.spec import ColumnSource, CsvSeparator, FileType

F = ProductField


@dataclass(frozen=True, slots=True)
class PresetColumn:
    """One column: its header, where its values come from, and whether the
    marketplace rejects a file (or a row) without it."""

    header: str
    field: ProductField | None = None
    price: bool = False  # the account's first price type
    value: str | None = None  # a constant; "" when only the merchant knows it
    required: bool = False


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    marketplace: str
    store_url: str
    source: str
    file_type: FileType
    file_name: str
    columns: tuple[PresetColumn, ...]
    csv_separator: CsvSeparator = CsvSeparator.COMMA
    sheet_name: str = "Sheet1"
    header_row: int = 1

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)


def _col(header: str, source: ProductField | str | None = None, **kw: Any) -> PresetColumn:
    """A column from a product field, or from a constant when ``source`` is a str."""
    if isinstance(source, ProductField):
        return PresetColumn(header, field=source, **kw)
    if source is None:
        return PresetColumn(header, **kw)
    return PresetColumn(header, value=source, **kw)


def _price(header: str, *, required: bool = False) -> PresetColumn:
    return PresetColumn(header, price=True, required=required)


_PRESETS: tuple[Preset, ...] = (
    # Google: https://support.google.com/merchants/answer/7052112 (product data
    # specification: id, title, description, link, image_link, availability, price
    # required; brand, gtin, condition where they apply). Delimited text, tab-separated.
    Preset(
        key="google_merchant",
        marketplace="Google Merchant Center",
        store_url="https://merchants.google.com",
        source="https://support.google.com/merchants/answer/7052112",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.TAB,
        file_name="google_products",
        columns=(
            _col("id", F.SKU, required=True),
            _col("title", F.NAME, required=True),
            _col("description", F.DESCRIPTION, required=True),
            _col("link", "", required=True),
            _col("image_link", F.IMAGES, required=True),
            _col("availability", "in_stock", required=True),
            _price("price", required=True),
            _col("condition", "new"),
            _col("brand", F.BRAND),
            _col("gtin", F.BARCODE),
        ),
    ),
    # Meta: https://developers.facebook.com/docs/marketing-api/catalog/reference
    # (CSV feeds) and its catalog fields page; required: id, title, description,
    # availability ("in stock"), condition, price, link, image_link, brand.
    Preset(
        key="meta_catalog",
        marketplace="Meta (Facebook and Instagram) catalog",
        store_url="https://business.facebook.com/commerce",
        source="https://developers.facebook.com/docs/marketing-api/catalog/reference",
        file_type=FileType.CSV,
        file_name="meta_catalog",
        columns=(
            _col("id", F.SKU, required=True),
            _col("title", F.NAME, required=True),
            _col("description", F.DESCRIPTION, required=True),
            _col("availability", "in stock", required=True),
            _col("condition", "new", required=True),
            _price("price", required=True),
            _col("link", "", required=True),
            _col("image_link", F.IMAGES, required=True),
            _col("brand", F.BRAND, required=True),
        ),
    ),
    # Prom.ua: the columns of its own Excel import/export sheet ("Export Products
    # Sheet"). No Prom.ua help page is in our search corpus; the names match public
    # integrations that write Prom.ua imports (Код_товару, Назва_позиції, Ціна,
    # Валюта, Наявність, Кількість, Посилання_зображення). Availability "+" = in stock.
    Preset(
        key="prom_ua",
        marketplace="Prom.ua",
        store_url="https://prom.ua",
        source="https://prom.ua (Excel import template, sheet 'Export Products Sheet')",
        file_type=FileType.XLSX,
        sheet_name="Export Products Sheet",
        file_name="prom_import",
        columns=(
            _col("Код_товару", F.SKU, required=True),
            _col("Назва_позиції", F.NAME, required=True),
            _col("Опис", F.DESCRIPTION),
            _price("Ціна", required=True),
            _col("Валюта", "UAH", required=True),
            _col("Одиниця_виміру", F.UNIT),
            _col("Наявність", "+", required=True),
            _col("Кількість", F.QUANTITY),
            _col("Посилання_зображення", F.IMAGES),
        ),
    ),
    # Rozetka: https://sellerhelp.rozetka.com.ua/st/ua/start-selling — Rozetka syncs
    # from a price list; these columns are its offer fields (vendorCode, name, price,
    # currencyId, stock_quantity, available, vendor, description, picture) for
    # sellers whose price-list tool reads a spreadsheet.
    Preset(
        key="rozetka",
        marketplace="Rozetka",
        store_url="https://seller.rozetka.com.ua",
        source="https://sellerhelp.rozetka.com.ua/st/ua/start-selling",
        file_type=FileType.XLSX,
        file_name="rozetka",
        columns=(
            _col("Артикул", F.SKU, required=True),
            _col("Назва", F.NAME, required=True),
            _price("Ціна", required=True),
            _col("Валюта", "UAH", required=True),
            _col("Кількість", F.QUANTITY, required=True),
            _col("Наявність", "true"),
            _col("Виробник", F.BRAND, required=True),
            _col("Категорія", F.CATEGORY),
            _col("Опис", F.DESCRIPTION),
            _col("Фото", F.IMAGES, required=True),
        ),
    ),
    # Kaspi.kz: https://kaspi.kz/merchantcabinet/support/display/Support/XML (the
    # price list: offer SKU, model, brand, price, availability per pickup point),
    # here as its Excel price list with one pickup point, PP1.
    Preset(
        key="kaspi_kz",
        marketplace="Kaspi.kz",
        store_url="https://kaspi.kz/merchantcabinet",
        source="https://kaspi.kz/merchantcabinet/support/display/Support/XML",
        file_type=FileType.XLSX,
        file_name="kaspi_price_list",
        columns=(
            _col("SKU", F.SKU, required=True),
            _col("model", F.NAME, required=True),
            _col("brand", F.BRAND, required=True),
            _price("price", required=True),
            _col("PP1", "yes", required=True),
        ),
    ),
    # Ozon: https://docs.ozon.ru/global/en/fulfillment/stock/ (the stock template:
    # warehouse name, article, name (optional), quantity). The warehouse name is
    # the merchant's Ozon warehouse: left empty for them to type.
    Preset(
        key="ozon",
        marketplace="Ozon",
        store_url="https://seller.ozon.ru",
        source="https://docs.ozon.ru/global/en/fulfillment/stock/",
        file_type=FileType.XLSX,
        sheet_name="Остатки на складе",
        file_name="ozon_stocks",
        columns=(
            _col("Название склада", "", required=True),
            _col("Артикул", F.SKU, required=True),
            _col("Наименование товара", F.NAME),
            _col("Количество", F.QUANTITY, required=True),
        ),
    ),
    # Cdiscount (Octopia) offers: https://developer.octopia-io.net/offer-feature-v2-rules
    # and https://help.koongo.com/en/articles/8582796 (mandatory offer attributes:
    # SellerProductId, ProductEan, ProductCondition 6 = new, Price, EcoPart, Vat,
    # DeaTax, Stock).
    Preset(
        key="cdiscount",
        marketplace="Cdiscount",
        store_url="https://seller.cdiscount.com",
        source="https://developer.octopia-io.net/offer-feature-v2-rules",
        file_type=FileType.XLSX,
        file_name="cdiscount_offers",
        columns=(
            _col("SellerProductId", F.SKU, required=True),
            _col("ProductEan", F.BARCODE, required=True),
            _col("ProductCondition", "6", required=True),
            _price("Price", required=True),
            _col("EcoPart", "0", required=True),
            _col("Vat", "20", required=True),
            _col("DeaTax", "0", required=True),
            _col("Stock", F.QUANTITY, required=True),
        ),
    ),
    # ManoMano: https://helpcenter.channable.com/hc/en-us/articles/360020136799
    # and https://support.lengow.com/hc/en-us/articles/360011997152-ManoMano (an
    # integrator's field list: sku, ean, brand, title, description,
    # product_price_vat_inc, quantity, merchant_category, image_1).
    Preset(
        key="manomano",
        marketplace="ManoMano",
        store_url="https://toolbox.manomano.com",
        source="https://helpcenter.channable.com/hc/en-us/articles/360020136799",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.SEMICOLON,
        file_name="manomano",
        columns=(
            _col("sku", F.SKU, required=True),
            _col("ean", F.BARCODE, required=True),
            _col("brand", F.BRAND, required=True),
            _col("title", F.NAME, required=True),
            _col("description", F.DESCRIPTION, required=True),
            _price("product_price_vat_inc", required=True),
            _col("quantity", F.QUANTITY, required=True),
            _col("merchant_category", F.CATEGORY_PATH, required=True),
            _col("image_1", F.IMAGES, required=True),
        ),
    ),
    # Allegro: https://help.allegro.com/en/sell/a/how-to-list-offers-from-a-csv-file-in-bulk-with-the-allegro-template-8dvEBY0A7ik
    # (the Allegro template; each category's sheet adds its own parameters).
    Preset(
        key="allegro",
        marketplace="Allegro",
        store_url="https://allegro.pl",
        source="https://help.allegro.com/en/sell/a/how-to-list-offers-from-a-csv-file-in-bulk-with-the-allegro-template-8dvEBY0A7ik",
        file_type=FileType.XLSX,
        file_name="allegro_offers",
        columns=(
            _col("Sygnatura", F.SKU, required=True),
            _col("EAN (GTIN)", F.BARCODE),
            _col("Tytuł oferty", F.NAME, required=True),
            _price("Cena PL", required=True),
            _col("Liczba sztuk", F.QUANTITY, required=True),
            _col("Stan", "Nowy", required=True),
            _col("Zdjęcia", F.IMAGES),
            _col("Opis oferty", F.DESCRIPTION),
        ),
    ),
    # Amazon: https://sellercentral.amazon.com/gp/help/external/200385480 (Inventory
    # Loader: sku required; product-id with product-id-type 4 = EAN; price;
    # item-condition 11 = new; quantity; add-delete "a" = add or update).
    # A tab-delimited text file.
    Preset(
        key="amazon_inventory_loader",
        marketplace="Amazon (Inventory Loader)",
        store_url="https://sellercentral.amazon.com",
        source="https://sellercentral.amazon.com/gp/help/external/200385480",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.TAB,
        file_name="amazon_inventory_loader",
        columns=(
            _col("sku", F.SKU, required=True),
            _col("product-id", F.BARCODE, required=True),
            _col("product-id-type", "4", required=True),
            _price("price", required=True),
            _col("item-condition", "11", required=True),
            _col("quantity", F.QUANTITY, required=True),
            _col("add-delete", "a"),
        ),
    ),
    # eBay File Exchange: https://docslib.org/doc/5625165/file-exchange-basic-template-instructions-copyright-statement
    # (a revise file: Action "Revise", the item's CustomLabel (the seller's SKU),
    # Quantity, StartPrice).
    Preset(
        key="ebay_file_exchange",
        marketplace="eBay (File Exchange)",
        store_url="https://www.ebay.com/sh/reports/uploads",
        source="https://docslib.org/doc/5625165/file-exchange-basic-template-instructions-copyright-statement",
        file_type=FileType.CSV,
        file_name="ebay_revise",
        columns=(
            _col("Action", "Revise", required=True),
            _col("CustomLabel", F.SKU, required=True),
            _col("Quantity", F.QUANTITY, required=True),
            _price("StartPrice"),
        ),
    ),
    # PrestaShop: https://doc.prestashop.com/plugins/viewsource/viewpagesrc.action?pageId=43614285
    # (CSV import, semicolon recommended; the product import's field names).
    Preset(
        key="prestashop",
        marketplace="PrestaShop import",
        store_url="https://www.prestashop.com",
        source="https://doc.prestashop.com/plugins/viewsource/viewpagesrc.action?pageId=43614285",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.SEMICOLON,
        file_name="prestashop_products",
        columns=(
            _col("Active (0/1)", "1"),
            _col("Name *", F.NAME, required=True),
            _col("Categories (x,y,z...)", F.CATEGORY),
            _price("Price tax excluded", required=True),
            _col("Reference #", F.SKU, required=True),
            _col("Manufacturer", F.BRAND),
            _col("EAN13", F.BARCODE),
            _col("Weight", F.WEIGHT),
            _col("Quantity", F.QUANTITY),
            _col("Description", F.DESCRIPTION),
            _col("Image URLs (x,y,z...)", F.IMAGES),
        ),
    ),
    # WooCommerce: https://github.com/woocommerce/woocommerce/wiki/Product-CSV-Importer-&-Exporter
    # (the importer's schema: SKU, Name required; categories with ">" for levels).
    Preset(
        key="woocommerce",
        marketplace="WooCommerce import",
        store_url="https://woocommerce.com",
        source="https://github.com/woocommerce/woocommerce/wiki/Product-CSV-Importer-&-Exporter",
        file_type=FileType.CSV,
        file_name="woocommerce_products",
        columns=(
            _col("Type", "simple"),
            _col("SKU", F.SKU, required=True),
            _col("Name", F.NAME, required=True),
            _col("Published", "1"),
            _col("Description", F.DESCRIPTION),
            _col("In stock?", "1"),
            _col("Stock", F.QUANTITY),
            _col("Weight (kg)", F.WEIGHT),
            _price("Regular price"),
            _col("Categories", F.CATEGORY_PATH),
            _col("Images", F.IMAGES),
        ),
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
            _col("Handle", F.SKU, required=True),
            _col("Title", F.NAME),
            _col("Option1 Name", "Title"),
            _col("Option1 Value", "Default Title"),
            _col("SKU", F.SKU),
            _col("Location", "", required=True),
            _col("On hand", F.QUANTITY, required=True),
        ),
    ),
)

PRESETS: Mapping[str, Preset] = MappingProxyType({p.key: p for p in _PRESETS})


def preset_columns(preset: Preset, price_type_id: int | None) -> list[dict[str, Any]]:
    """The preset's columns as the feed body writes them.

    Price columns take ``price_type_id`` (the account's first price type); an
    account without price types gets an empty constant in their place, which the
    validation report flags until the merchant adds a price type.
    """
    columns: list[dict[str, Any]] = []
    for column in preset.columns:
        body: dict[str, Any]
        if column.field is not None:
            body = {"source": ColumnSource.PRODUCT_FIELD.value, "field": column.field.value}
        elif column.price and price_type_id is not None:
            body = {"source": ColumnSource.PRICE.value, "price_type_id": price_type_id}
        else:
            body = {"source": ColumnSource.CUSTOM_VALUE.value, "value": column.value or ""}
        columns.append({"header": column.header, **body})
    return columns


def preset_body(
    preset: Preset, price_type_id: int | None, warehouse_ids: Sequence[int]
) -> dict[str, Any]:
    """A feed body (``POST /feeds``) that starts from ``preset``, for one account."""
    body: dict[str, Any] = {
        "preset": preset.key,
        "store_name": preset.marketplace,
        "store_url": preset.store_url,
        "warehouse_ids": list(warehouse_ids),
        "file_type": preset.file_type.value,
        "file_name": preset.file_name,
        "header_row": preset.header_row,
        "include_zero_stock": False,
        "enabled": True,
        "columns": preset_columns(preset, price_type_id),
    }
    if preset.file_type is FileType.CSV:
        body["csv_separator"] = preset.csv_separator.value
    else:
        body["sheet_name"] = preset.sheet_name
    return body
