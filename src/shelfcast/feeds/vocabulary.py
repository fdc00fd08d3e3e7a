"""What marketplaces' feed templates call the feed's fields, beyond a catalog
spreadsheet's words (``catalog/imports/vocabulary.py``, which the sample file's
matcher reads too). Keys are feed sources: a product field, or ``price``.
Accents, case and punctuation do not matter (``matching.normalise_header``).

A name listed here wins over the same name in the import's vocabulary: in a
marketplace's template "Наявність" or "available" is the availability label,
where a catalog spreadsheet means the stock.
"""

from __future__ import annotations

from collections.abc import Mapping

from shelfcast.feeds.fields import ProductField

PRICE = "price"

FEED_FIELD_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    ProductField.SKU.value: (
        "id",
        "offer id",
        "seller sku",
        "seller product id",
        "sellerproductid",
        "vendor code",
        "custom label",
        "customlabel",
        "sygnatura",
        "handle",
    ),
    ProductField.NAME.value: ("title", "item name", "model", "tytul", "tytuł oferty"),
    ProductField.BARCODE.value: ("gtin", "ean", "productean", "product id"),
    ProductField.IMAGES.value: ("image url", "image", "picture"),
    ProductField.IMAGE_1.value: (
        "image link",
        "image_link",
        "main image",
        "main image url",
        "picture 1",
        "image principale",
        "photo principale",
        "головне зображення",
        "основне фото",
        "основное изображение",
        "главное фото",
    ),
    ProductField.IMAGES_REST.value: (
        "additional_image_link",
        "additional image link",
        "additional images",
        "additional image urls",
        "other images",
        "more images",
        "images supplémentaires",
        "autres images",
        "додаткові зображення",
        "дополнительные изображения",
    ),
    ProductField.QUANTITY.value: (
        "stock",
        "on hand",
        "liczba sztuk",
        "stock quantity",
        "quantity in stock",
    ),
    ProductField.AVAILABILITY.value: (
        "availability",
        "available",
        "in stock",
        "stock status",
        "disponibilité",
        "dostępność",
        "наявність",
        "в наявності",
        "наличие",
        "в наличии",
        "pp1",
    ),
    ProductField.BRAND.value: ("manufacturer", "vendor", "marque", "виробник", "производитель"),
    ProductField.CATEGORY.value: ("product type", "merchant category", "categories"),
    PRICE: ("startprice", "start price", "cena", "product price", "regular price"),
}
