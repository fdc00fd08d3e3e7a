"""Marketplaces that take a stock or offer file: the Ukrainian, Kazakh, Russian,
French, Polish and American ones of the presets.

Their quantities are whole items: each of these presets rounds quantities down
(a catalog may hold 2.5 m of cable; a marketplace refuses 2.5). Most of them
keep a product's last quantity when it is missing from the file, so the stock
files list sold-out products with 0 (or the marketplace's out-of-stock label);
a preset that leaves them out says why.
"""

from __future__ import annotations

from shelfcast.feeds.fields import ProductField as F
from shelfcast.feeds.presets.model import Preset, col, price
from shelfcast.render.spec import CsvSeparator, FileType

MARKETPLACE_PRESETS: tuple[Preset, ...] = (
    # Prom.ua: the columns of its own Excel import/export sheet ("Export Products
    # Sheet"). No Prom.ua help page is in our search corpus; the names match public
    # integrations that write Prom.ua imports (Код_товару, Назва_позиції, Ціна,
    # Валюта, Наявність, Кількість, Посилання_зображення). Наявність takes "+" (in
    # stock) or "-" (not available); an import leaves a product missing from the file
    # as it was, so sold-out products are listed with "-".
    Preset(
        key="prom_ua",
        marketplace="Prom.ua",
        store_url="https://prom.ua",
        source="https://prom.ua (Excel import template, sheet 'Export Products Sheet')",
        file_type=FileType.XLSX,
        sheet_name="Export Products Sheet",
        file_name="prom_import",
        columns=(
            col("Код_товару", F.SKU, required=True),
            col("Назва_позиції", F.NAME, required=True),
            col("Опис", F.DESCRIPTION),
            price("Ціна", required=True),
            col("Валюта", "UAH", required=True),
            col("Одиниця_виміру", F.UNIT),
            col("Наявність", F.AVAILABILITY, required=True),
            col("Кількість", F.QUANTITY),
            col("Посилання_зображення", F.IMAGES),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
        availability_labels=("+", "-"),
    ),
    # Rozetka: https://sellerhelp.rozetka.com.ua/st/ua/start-selling — Rozetka syncs
    # from a price list; these columns are its offer fields (vendorCode, name, price,
    # currencyId, stock_quantity, available, vendor, description, picture) for
    # sellers whose price-list tool reads a spreadsheet. "available" is true / false;
    # a sold-out offer stays in the list as false ("Немає в наявності", see
    # https://sellerhelp.rozetka.com.ua/ua/p399-item-delete-pricecreator.html).
    Preset(
        key="rozetka",
        marketplace="Rozetka",
        store_url="https://seller.rozetka.com.ua",
        source="https://sellerhelp.rozetka.com.ua/st/ua/start-selling",
        file_type=FileType.XLSX,
        file_name="rozetka",
        columns=(
            col("Артикул", F.SKU, required=True),
            col("Назва", F.NAME, required=True),
            price("Ціна", required=True),
            col("Валюта", "UAH", required=True),
            col("Кількість", F.QUANTITY, required=True),
            col("Наявність", F.AVAILABILITY),
            col("Виробник", F.BRAND, required=True),
            col("Категорія", F.CATEGORY),
            col("Опис", F.DESCRIPTION),
            col("Фото", F.IMAGES, required=True),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
        availability_labels=("true", "false"),
    ),
    # Kaspi.kz: https://kaspi.kz/merchantcabinet/support/display/Support/XML (the
    # price list: offer SKU, model, brand, price, availability per pickup point as
    # yes / no), here as its Excel price list with one pickup point, PP1. A sold-out
    # product is listed with "no", which takes it off sale at that point.
    Preset(
        key="kaspi_kz",
        marketplace="Kaspi.kz",
        store_url="https://kaspi.kz/merchantcabinet",
        source="https://kaspi.kz/merchantcabinet/support/display/Support/XML",
        file_type=FileType.XLSX,
        file_name="kaspi_price_list",
        columns=(
            col("SKU", F.SKU, required=True),
            col("model", F.NAME, required=True),
            col("brand", F.BRAND, required=True),
            price("price", required=True),
            col("PP1", F.AVAILABILITY, required=True),
        ),
        include_zero_stock=True,
        availability_labels=("yes", "no"),
    ),
    # Ozon: https://docs.ozon.ru/global/en/fulfillment/stock/ (the stock template:
    # warehouse name, article, name (optional), quantity). The warehouse name is
    # the merchant's Ozon warehouse: left empty for them to type. Ozon keeps the
    # stock of an article the file leaves out: sold-out articles are sent with 0.
    Preset(
        key="ozon",
        marketplace="Ozon",
        store_url="https://seller.ozon.ru",
        source="https://docs.ozon.ru/global/en/fulfillment/stock/",
        file_type=FileType.XLSX,
        sheet_name="Остатки на складе",
        file_name="ozon_stocks",
        columns=(
            col("Название склада", "", required=True),
            col("Артикул", F.SKU, required=True),
            col("Наименование товара", F.NAME),
            col("Количество", F.QUANTITY, required=True),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
    # Cdiscount (Octopia) offers: https://developer.octopia-io.net/offer-feature-v2-rules
    # and https://help.koongo.com/en/articles/8582796 (mandatory offer attributes:
    # SellerProductId, ProductEan, ProductCondition 6 = new, Price, EcoPart, Vat,
    # DeaTax, Stock). An offer with Stock 0 stays, unsold, until stock comes back.
    Preset(
        key="cdiscount",
        marketplace="Cdiscount",
        store_url="https://seller.cdiscount.com",
        source="https://developer.octopia-io.net/offer-feature-v2-rules",
        file_type=FileType.XLSX,
        file_name="cdiscount_offers",
        columns=(
            col("SellerProductId", F.SKU, required=True),
            col("ProductEan", F.BARCODE, required=True),
            col("ProductCondition", "6", required=True),
            price("Price", required=True),
            col("EcoPart", "0", required=True),
            col("Vat", "20", required=True),
            col("DeaTax", "0", required=True),
            col("Stock", F.QUANTITY, required=True),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
    # ManoMano: https://helpcenter.channable.com/hc/en-us/articles/360020136799
    # and https://support.lengow.com/hc/en-us/articles/360011997152-ManoMano (an
    # integrator's field list: sku, ean, brand, title, description,
    # product_price_vat_inc, quantity, merchant_category, image_1 — one URL per
    # image_N column, so image_1 is the first image). Quantity 0 sets an offer out
    # of stock.
    Preset(
        key="manomano",
        marketplace="ManoMano",
        store_url="https://toolbox.manomano.com",
        source="https://helpcenter.channable.com/hc/en-us/articles/360020136799",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.SEMICOLON,
        file_name="manomano",
        columns=(
            col("sku", F.SKU, required=True),
            col("ean", F.BARCODE, required=True),
            col("brand", F.BRAND, required=True),
            col("title", F.NAME, required=True),
            col("description", F.DESCRIPTION, required=True),
            price("product_price_vat_inc", required=True),
            col("quantity", F.QUANTITY, required=True),
            col("merchant_category", F.CATEGORY_PATH, required=True),
            col("image_1", F.IMAGE_1, required=True),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
    # Allegro: https://help.allegro.com/en/sell/a/how-to-list-offers-from-a-csv-file-in-bulk-with-the-allegro-template-8dvEBY0A7ik
    # (the Allegro template; each category's sheet adds its own parameters). The
    # template lists offers, and an offer needs at least one item: sold-out products
    # stay out of the file (the zero-stock rule as it is by default).
    Preset(
        key="allegro",
        marketplace="Allegro",
        store_url="https://allegro.pl",
        source="https://help.allegro.com/en/sell/a/how-to-list-offers-from-a-csv-file-in-bulk-with-the-allegro-template-8dvEBY0A7ik",
        file_type=FileType.XLSX,
        file_name="allegro_offers",
        columns=(
            col("Sygnatura", F.SKU, required=True),
            col("EAN (GTIN)", F.BARCODE),
            col("Tytuł oferty", F.NAME, required=True),
            price("Cena PL", required=True),
            col("Liczba sztuk", F.QUANTITY, required=True),
            col("Stan", "Nowy", required=True),
            col("Zdjęcia", F.IMAGES),
            col("Opis oferty", F.DESCRIPTION),
        ),
        round_quantities_down=True,
    ),
    # Amazon: https://sellercentral.amazon.com/gp/help/external/200385480 (Inventory
    # Loader: sku required; product-id with product-id-type 4 = EAN; price;
    # item-condition 11 = new; quantity; add-delete "a" = add or update). A
    # tab-delimited text file; the same page describes "zeroing" the quantity of
    # unavailable items, so sold-out products are sent with 0.
    Preset(
        key="amazon_inventory_loader",
        marketplace="Amazon (Inventory Loader)",
        store_url="https://sellercentral.amazon.com",
        source="https://sellercentral.amazon.com/gp/help/external/200385480",
        file_type=FileType.CSV,
        csv_separator=CsvSeparator.TAB,
        file_name="amazon_inventory_loader",
        columns=(
            col("sku", F.SKU, required=True),
            col("product-id", F.BARCODE, required=True),
            col("product-id-type", "4", required=True),
            price("price", required=True),
            col("item-condition", "11", required=True),
            col("quantity", F.QUANTITY, required=True),
            col("add-delete", "a"),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
    # eBay File Exchange: https://docslib.org/doc/5625165/file-exchange-basic-template-instructions-copyright-statement
    # (a revise file: Action "Revise", the item's CustomLabel (the seller's SKU),
    # Quantity, StartPrice). Sold-out items are revised to 0 (with eBay's
    # out-of-stock option on, the listing is hidden rather than ended); left out, eBay
    # would go on selling the last quantity it had.
    Preset(
        key="ebay_file_exchange",
        marketplace="eBay (File Exchange)",
        store_url="https://www.ebay.com/sh/reports/uploads",
        source="https://docslib.org/doc/5625165/file-exchange-basic-template-instructions-copyright-statement",
        file_type=FileType.CSV,
        file_name="ebay_revise",
        columns=(
            col("Action", "Revise", required=True),
            col("CustomLabel", F.SKU, required=True),
            col("Quantity", F.QUANTITY, required=True),
            price("StartPrice"),
        ),
        include_zero_stock=True,
        round_quantities_down=True,
    ),
)
