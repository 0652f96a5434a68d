"""Money reads: what an invoice shows as a document (seller, bill-to, currency, terms)."""

from dataclasses import dataclass

from bspos.clients.models import Client, Contact, Site
from bspos.money.models import BillingSettings, Invoice


@dataclass(frozen=True)
class Document:
    """The parties and terms printed on an invoice or credit note."""

    seller_name: str
    seller_address: str
    seller_tax_id: str
    currency: str
    payment_terms_days: int | None
    bill_to_name: str
    bill_to_attention: str
    bill_to_address: str


def seller_details(settings: BillingSettings) -> dict:
    """The MSP's details an invoice shows, as the invoice fields they are copied into."""
    return {"seller_name": settings.company_name, "seller_address": settings.company_address,
            "seller_tax_id": settings.tax_id, "currency": settings.currency,
            "payment_terms_days": settings.payment_terms_days}


def bill_to_details(client_ids: list[int]) -> dict[int, dict]:
    """Each client's billing details an invoice shows: name, the primary contact and the first site's address
    (two queries for any number of clients)."""
    details = {pk: {"bill_to_name": name, "bill_to_attention": "", "bill_to_address": ""}
               for pk, name in Client.objects.filter(pk__in=client_ids).values_list("pk", "name")}
    for client_id, first, last in (Contact.objects.filter(client_id__in=client_ids, is_primary=True)
                                   .order_by("-client_id", "-pk").values_list("client_id", "first_name",
                                                                             "last_name")):
        details[client_id]["bill_to_attention"] = f"{first} {last}".strip()  # the lowest pk is written last
    for client_id, address, city in (Site.objects.filter(client_id__in=client_ids)
                                     .order_by("-client_id", "-name", "-pk").values_list("client_id", "address",
                                                                                       "city")):
        details[client_id]["bill_to_address"] = "\n".join(part for part in (address, city) if part)
    return details


def document(invoice: Invoice) -> Document:
    """An issued invoice or credit note shows only what was copied onto it when issued; a draft shows today's
    billing settings and client details (it is not a document yet)."""
    if invoice.number is not None:
        return Document(invoice.seller_name, invoice.seller_address, invoice.seller_tax_id, invoice.currency,
                        invoice.payment_terms_days, invoice.bill_to_name, invoice.bill_to_attention,
                        invoice.bill_to_address)
    return Document(**seller_details(BillingSettings.current()), **bill_to_details([invoice.client_id])[
        invoice.client_id])
