"""The product form: what was typed, the catalog's shapes built from it, and the
catalog's errors put back next to the controls they concern.

The rules themselves stay in ``catalog`` (one home per rule): this module only
reads numbers as merchants type them (``12,50`` as well as ``12.50``) and a
category path typed as ``Kitchen > Textile`` or ``Kitchen/Textile``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData

from shelfcast.catalog.models import CustomFieldType
from shelfcast.catalog.rules import decimal_problem
from shelfcast.catalog.schemas import (
    CategoryRead,
    CustomFieldRead,
    PriceTypeRead,
    ProductRead,
    WarehouseRead,
)
from shelfcast.errors import N_, FieldError
from shelfcast.web.i18n import gettext

FORM = "form"
LABELS = {
    "sku": N_("SKU"),
    "name": N_("Name"),
    "barcode": N_("Barcode"),
    "category": N_("Category"),
    "description": N_("Description"),
    "brand": N_("Brand"),
    "unit": N_("Unit"),
    "weight": N_("Weight"),
    "images": N_("Images"),
}
TEXT_FIELDS = ("sku", "name", "barcode", "brand", "unit", "description")
NUMBER_HINT = N_("must be a number such as 12.50 or 12,50")
# Minus signs people paste from documents and spreadsheets.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def form_decimal(raw: str) -> Decimal:
    """A number as typed: ``12.50``, ``12,50``, ``1 299,00``, ``+3``, ``−2``.

    ValueError when it is not one. A comma is a decimal comma (there is no
    thousands comma in a form field: ``1,500`` is one and a half).
    """
    text = raw.strip().translate(_MINUS).replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(NUMBER_HINT) from None
    if not number.is_finite():
        raise ValueError(NUMBER_HINT)
    return number


def category_path(raw: str) -> list[str]:
    """A path typed as ``Kitchen > Textile`` or ``Kitchen/Textile``: its names, root first."""
    separator = ">" if ">" in raw else "/"
    return [part.strip() for part in raw.split(separator)]


@dataclass
class ProductFormState:
    """The form as typed: strings, so a bad value is shown back as it was."""

    texts: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TEXT_FIELDS, ""))
    weight: str = ""
    category_id: str = ""
    new_category: str = ""
    images: list[str] = field(default_factory=list)
    prices: dict[int, str] = field(default_factory=dict)  # by price type id
    custom: dict[str, str] = field(default_factory=dict)  # by key
    stock: dict[int, str] = field(default_factory=dict)  # by warehouse id

    @classmethod
    def from_form(cls, form: FormData) -> ProductFormState:
        def text(name: str) -> str:
            value = form.get(name)
            # Browsers send line breaks of a textarea as CRLF; they are kept as sent.
            return value if isinstance(value, str) else ""

        state = cls(
            texts={name: text(name) for name in TEXT_FIELDS},
            weight=text("weight"),
            category_id=text("category_id"),
            new_category=text("new_category"),
            images=[v.strip() for v in form.getlist("image") if isinstance(v, str) and v.strip()],
        )
        for key, value in form.multi_items():
            if not isinstance(value, str):
                continue
            kind, _, name = key.partition(".")
            if kind == "price" and name.isdigit():
                state.prices[int(name)] = value
            elif kind == "custom" and name:
                state.custom[name] = value
            elif kind == "stock" and name.isdigit():
                state.stock[int(name)] = value
        return state

    @classmethod
    def of_product(
        cls,
        product: ProductRead,
        categories: Sequence[CategoryRead],
        price_types: Sequence[PriceTypeRead],
    ) -> ProductFormState:
        ids = {tuple(c.path): c.id for c in categories}
        by_name = {p.name: p.id for p in price_types}
        return cls(
            texts={name: getattr(product, name) or "" for name in TEXT_FIELDS},
            weight=product.weight or "",
            category_id=str(ids.get(tuple(product.category or ()), "")),
            images=list(product.images),
            prices={by_name[n]: amount for n, amount in product.prices.items() if n in by_name},
            custom=dict(product.custom),
            stock={s.warehouse_id: s.quantity for s in product.stock},
        )


@dataclass
class ProductFormErrors:
    """Messages by control: ``name``, ``price.<id>``, ``custom.<key>``, ``stock.<id>``."""

    messages: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(self, key: str, message: str) -> None:
        self.messages.setdefault(key, [])
        if message not in self.messages[key]:
            self.messages[key].append(message)

    def get(self, key: str) -> list[str]:
        return self.messages.get(key, [])


@dataclass
class ProductContext:
    """What the form offers: the account's categories, price types, fields, warehouses."""

    categories: Sequence[CategoryRead]
    price_types: Sequence[PriceTypeRead]
    custom_fields: Sequence[CustomFieldRead]
    warehouses: Sequence[WarehouseRead]
    choices: dict[str, list[str]] = field(default_factory=dict)  # values in use, by key


@dataclass
class ProductInput:
    """The form read into the catalog's shapes, or the errors of reading it."""

    body: dict[str, Any]
    stock: dict[int, Decimal]
    errors: ProductFormErrors


def read_product(state: ProductFormState, context: ProductContext) -> ProductInput:
    """The ``ProductUpsert`` body and the stock per warehouse the form asks for.

    Every field is sent, so a cleared field is cleared; a blank stock box sets nothing.
    """
    errors = ProductFormErrors()
    body: dict[str, Any] = {name: state.texts[name] for name in TEXT_FIELDS}
    body["weight"] = _number(errors, "weight", state.weight)
    body["category"] = _category(state, context.categories)
    body["images"] = state.images
    body["prices"] = {
        p.name: _number(errors, f"price.{p.id}", state.prices.get(p.id, ""))
        for p in context.price_types
    }
    body["custom"] = {
        f.key: _custom(errors, f, state.custom.get(f.key, "")) for f in context.custom_fields
    }
    stock: dict[int, Decimal] = {}
    for warehouse in context.warehouses:
        key = f"stock.{warehouse.id}"
        quantity = _number(errors, key, state.stock.get(warehouse.id, ""))
        # Checked here too (the stock service's own rule), so that a bad quantity is
        # reported with the product's problems rather than after they are fixed.
        problem = decimal_problem(quantity, negative_ok=True) if quantity is not None else None
        if problem:
            errors.add(key, _sentence(N_("Quantity"), problem))
        elif quantity is not None:
            stock[warehouse.id] = quantity
    return ProductInput(body=body, stock=stock, errors=errors)


def _number(
    errors: ProductFormErrors, key: str, raw: str, label: str | None = None
) -> Decimal | None:
    if not raw.strip():
        return None
    try:
        return form_decimal(raw)
    except ValueError as problem:
        errors.add(key, _sentence(label or label_of(key), str(problem)))
        return None


def _category(state: ProductFormState, categories: Sequence[CategoryRead]) -> list[str] | None:
    if state.new_category.strip():
        return category_path(state.new_category)
    chosen = next((c for c in categories if str(c.id) == state.category_id), None)
    return list(chosen.path) if chosen else None


def _custom(errors: ProductFormErrors, custom: CustomFieldRead, raw: str) -> str | None:
    if not raw.strip():
        return None
    if custom.type is CustomFieldType.NUMBER:
        number = _number(errors, f"custom.{custom.key}", raw, custom.label)
        return f"{number:f}" if number is not None else None
    return raw


def label_of(key: str, custom_labels: dict[str, str] | None = None) -> str:
    kind, _, name = key.partition(".")
    if kind == "price":
        return N_("Price")
    if kind == "stock":
        return N_("Quantity")
    if kind == "custom":
        return (custom_labels or {}).get(name, name)
    return LABELS.get(key, key)


def catalog_errors(
    errors: ProductFormErrors,
    items: Iterable[FieldError],
    context: ProductContext,
) -> None:
    """Place the catalog's errors (``products.0.prices.Retail``, ``stock.3``) by control."""
    price_ids = {p.name: p.id for p in context.price_types}
    labels = {f.key: f.label for f in context.custom_fields}
    for item in items:
        loc = list(item.loc[2:] if item.loc[:1] == ("products",) else item.loc)
        key = str(loc[0]) if loc else FORM
        if key == "prices" and len(loc) > 1 and loc[1] in price_ids:
            key = f"price.{price_ids[str(loc[1])]}"
        elif key == "custom" and len(loc) > 1:
            key = f"custom.{loc[1]}"
        elif key == "stock" and len(loc) > 1:
            key = f"stock.{loc[1]}"
        elif key not in LABELS:
            key = FORM
        label = label_of(key, labels) if key != FORM else None
        if key == "images" and len(loc) > 1 and isinstance(loc[1], int):
            label = gettext("Image %(num)s", num=loc[1] + 1)  # which of the list
        errors.add(key, _sentence(label, item.message))


def _sentence(label: str | None, message: str) -> str:
    """Label and problem in the page's language (English: "Price must be ...")."""
    problem = gettext(message)
    if label is not None and message.startswith(("must ", "is ", "may ")):
        return gettext("%(label)s %(problem)s", label=gettext(label), problem=problem)
    if label is not None:
        return gettext("%(label)s: %(problem)s", label=gettext(label), problem=problem)
    return problem[:1].upper() + problem[1:]
