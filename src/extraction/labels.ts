/**
 * How the built-in engine recognizes a field's label: the field name in words, the label groups it belongs
 * to (synonyms in English, German, French and Spanish, abbreviations like `no.`, `#`, `qty`), and its
 * description. A label scores 1 when it is one of these phrases, less for a partial word match, 0 below.
 */
import type { FieldConfig } from "./schema";
import { foldText } from "./reference-data";

/** Single words that mean the same in labels. */
const WORD_SYNONYMS: Record<string, string> = {
  no: "number", "no.": "number", nr: "number", "nr.": "number", num: "number", "#": "number", nummer: "number",
  numero: "number", n: "number", "n°": "number", "nº": "number", id: "number", qty: "quantity", menge: "quantity",
  anzahl: "quantity", quantite: "quantity", cantidad: "quantity", amt: "amount", betrag: "amount", montant: "amount",
  importe: "amount", datum: "date", fecha: "date", e: "", mail: "email", "e-mail": "email", "e mail": "email",
  tel: "phone", telephone: "phone", telefon: "phone", ref: "reference", "ref.": "reference", referenz: "reference",
  desc: "description", bezeichnung: "description", beschreibung: "description", artikel: "item", article: "item",
  pos: "position", "unit price": "price", preis: "price", prix: "price", precio: "price", total: "total",
  summe: "total", gesamt: "total", steuer: "tax", vat: "tax", mwst: "tax", ust: "tax", tva: "tax", iva: "tax",
  inv: "invoice", rechnung: "invoice", facture: "invoice", factura: "invoice", kunde: "customer", client: "customer",
  cliente: "customer", lieferant: "vendor", supplier: "vendor", seller: "vendor", fournisseur: "vendor", proveedor: "vendor",
  waehrung: "currency", wahrung: "currency", devise: "currency", moneda: "currency", "&": "and",
};

/**
 * Phrase groups: a field whose name (in words) or description is one of a group's phrases is also found under
 * every other phrase of that group. Compound words (`rechnungsnummer`) are listed whole.
 */
const GROUPS: string[][] = [
  ["invoice number", "invoice no", "invoice #", "invoice id", "bill number", "rechnungsnummer", "rechnungs nr", "rechnungsnr", "rechnung nr", "numero de facture", "facture n", "factura n", "numero de factura", "document number", "beleg nr", "belegnummer", "invoice ref", "invoice reference", "factura n", "factura no"],
  ["invoice date", "date of invoice", "date", "issue date", "date issued", "issued on", "rechnungsdatum", "datum", "date de facture", "fecha de factura", "fecha", "billing date", "belegdatum", "statement date", "tax point", "tax point date", "invoice issued", "fecha de emision"],
  ["due date", "payment due", "due", "pay by", "payment due date", "due on", "zahlbar bis", "fallig am", "faellig am", "falligkeitsdatum", "faelligkeitsdatum", "fallig", "date d echeance", "echeance", "fecha de vencimiento", "vencimiento", "due by", "pay before", "payment due by"],
  ["total", "total amount", "grand total", "amount due", "total due", "balance due", "invoice total", "total to pay", "amount payable", "gesamtbetrag", "rechnungsbetrag", "endbetrag", "zu zahlen", "gesamtsumme", "total payable", "amount payable now", "importe a pagar", "total ttc", "montant total", "total a payer", "importe total", "total a pagar", "total incl vat", "total inkl mwst", "bruttobetrag", "total gross", "amount"],
  ["subtotal", "sub total", "net amount", "net total", "total net", "zwischensumme", "nettobetrag", "netto", "summe netto", "total ht", "montant ht", "base imponible", "subtotal excl vat", "total excl vat"],
  ["tax amount", "tax", "vat", "vat amount", "sales tax", "mwst", "ust", "zzgl ust", "zzgl mwst", "plus vat", "add vat", "umsatzsteuer", "mehrwertsteuer", "mwst betrag", "tva", "montant tva", "iva", "tax total", "state tax", "local tax", "county tax", "city tax", "gst", "hst", "pst", "cuota iva"],
  ["tax rate", "vat rate", "vat %", "tax %", "mwst satz", "steuersatz", "taux tva", "tipo iva"],
  ["currency", "currency code", "wahrung", "waehrung", "devise", "moneda"],
  ["vendor name", "vendor", "supplier", "seller", "from", "company", "issued by", "bill from", "lieferant", "verkaufer", "absender", "fournisseur", "proveedor", "merchant", "store", "shop", "filiale", "magasin", "geschaft", "tienda", "store name", "payee name"],
  ["vendor address", "supplier address", "seller address", "from", "bill from", "remit to", "company address", "absender", "lieferant", "adresse fournisseur", "merchant address", "store address"],
  ["customer name", "customer", "client", "bill to", "billed to", "sold to", "invoice to", "buyer", "kunde", "rechnungsempfanger", "client name", "cliente", "recipient name", "attention"],
  ["customer address", "billing address", "bill to", "billed to", "sold to", "invoice to", "client address", "customer", "client", "kunde", "rechnungsempfanger", "rechnungsadresse", "kundenadresse", "adresse de facturation", "direccion de facturacion"],
  ["shipping address", "ship to", "deliver to", "delivery address", "shipping to", "lieferadresse", "lieferanschrift", "adresse de livraison", "direccion de envio", "consignee address", "consignee", "recipient address", "empfanger"],
  ["customer email", "client email", "bill to email", "customer e mail"],
  ["vendor email", "supplier email", "seller email", "contact email", "email", "e mail"],
  ["email", "e mail", "email address", "mail"],
  ["iban", "iban number", "bank account", "account iban", "kontonummer iban", "beneficiary iban", "recipient iban", "payee iban"],
  ["bic", "swift", "bic swift", "swift code", "bic code", "swift bic"],
  ["purchase order number", "po number", "po #", "po no", "purchase order", "order number", "order no", "order #", "bestellnummer", "bestell nr", "auftragsnummer", "numero de commande", "numero de pedido", "pedido n"],
  ["order date", "po date", "purchase order date", "bestelldatum", "date de commande", "fecha de pedido", "date ordered", "ordered on", "order placed", "placed at", "placed on", "bestellt am", "fecha del pedido"],
  ["delivery date", "ship date", "shipping date", "dispatch date", "shipped", "shipped on", "date shipped", "dispatched", "versandt am", "lieferdatum", "versanddatum", "date de livraison", "fecha de entrega", "delivered on", "expected delivery", "required by", "need by", "deliver by", "requested delivery date", "liefertermin", "wunschtermin", "gewunschter liefertermin", "wunschliefertermin", "delivery requested"],
  ["tracking number", "tracking no", "tracking #", "tracking id", "sendungsnummer", "sendungsverfolgung", "numero de suivi", "waybill", "awb"],
  ["carrier", "shipping carrier", "courier", "spediteur", "versanddienstleister", "transporteur", "shipped via", "ship via", "paketdienst", "versandart", "zusteller", "shipping method", "delivery service"],
  ["payment reference", "reference", "remittance information", "verwendungszweck", "purpose", "payment purpose", "reference de paiement", "concepto", "memo", "transfer reference"],
  ["beneficiary name", "beneficiary", "recipient", "payee", "account holder", "empfanger", "zahlungsempfanger", "kontoinhaber", "beneficiaire", "beneficiario", "recipient name"],
  ["sender name", "sender", "payer", "ordering party", "ordering customer", "originator", "debtor", "auftraggeber", "kontoinhaber auftraggeber", "donneur d ordre", "ordenante", "remitter"],
  ["transfer amount", "amount", "betrag", "montant", "importe", "payment amount", "transfer amount", "sum"],
  ["execution date", "value date", "transfer date", "payment date", "ausfuhrungsdatum", "ausfuehrungsdatum", "valuta", "date d execution", "fecha de ejecucion", "date of payment", "paid on"],
  ["receipt number", "receipt no", "receipt #", "bon nr", "belegnummer", "ticket number", "transaction number", "transaction id", "trans #", "beleg nr"],
  ["payment method", "paid by", "payment type", "zahlungsart", "zahlart", "mode de paiement", "paiement", "forma de pago", "tender", "payment"],
  ["description", "item", "item description", "product", "service", "details", "particulars", "bezeichnung", "beschreibung", "artikel", "leistung", "designation", "descripcion", "concepto", "article", "product description", "title", "item name", "product name"],
  ["quantity", "qty", "units", "menge", "anzahl", "quantite", "cantidad", "qte", "pcs", "count", "stuck"],
  ["unit price", "price", "rate", "unit cost", "price per unit", "einzelpreis", "preis", "e preis", "prix unitaire", "precio unitario", "each", "ep", "pu", "pu ht", "prix unitaire ht", "unit cost", "cost"],
  ["line total", "amount", "total", "line amount", "gesamtpreis", "gesamt", "betrag", "montant", "importe", "total price", "ext price", "extended price", "gp", "ext cost", "extended cost", "total ht", "montant ht", "line total", "charge", "charges", "net", "net amount"],
  ["sku", "item number", "item no", "article number", "artikelnummer", "art nr", "part number", "product code", "code", "reference", "ref"],
  ["weight", "gross weight", "net weight", "total weight", "gewicht", "gesamtgewicht", "bruttogewicht", "poids", "poids total", "peso", "peso total"],
  ["contract number", "contract no", "agreement number", "vertragsnummer", "numero de contrat", "numero de contrato"],
  ["effective date", "start date", "commencement date", "begin date", "vertragsbeginn", "beginn", "date d effet", "fecha de inicio", "starts on"],
  ["end date", "expiry date", "expiration date", "termination date", "vertragsende", "ende", "date de fin", "fecha de fin", "ends on"],
  ["party a", "first party", "provider", "service provider", "licensor", "landlord", "auftragnehmer", "contractor"],
  ["party b", "second party", "client", "customer", "licensee", "tenant", "auftraggeber"],
  ["governing law", "applicable law", "jurisdiction", "anwendbares recht", "gerichtsstand"],
  ["monthly fee", "fee", "monthly amount", "monthly rent", "rent", "monatliche gebuhr", "monatliche gebuehr", "verguetung", "vergutung", "monthly payment"],
  ["notice period", "kundigungsfrist", "kuendigungsfrist", "termination notice", "preavis"],
  ["country", "land", "pays", "pais", "country of origin", "origin"],
  ["phone", "phone number", "telephone", "tel", "telefon", "mobile", "telefono"],
  ["time", "uhrzeit", "heure", "hora"],
  ["paid", "is paid", "payment received", "bezahlt", "paye", "pagado", "payment status", "status"],
  ["auto renewal", "automatic renewal", "renews automatically", "automatic extension", "automatische verlangerung", "tacite reconduction", "renovacion automatica"],
  ["urgent", "urgent transfer", "same day", "express transfer", "eiluberweisung", "eilig", "virement urgent", "urgente", "express payment", "express", "priority payment"],
  ["vat id", "vat number", "tax id", "ust id", "ust idnr", "steuernummer", "vat reg no", "numero de tva", "nif", "cif", "tax number"],
];

const LABEL_CURRENCIES = new Set(["eur", "usd", "gbp", "chf", "jpy", "cad", "aud", "sek", "nok", "dkk", "pln", "czk", "huf"]);

const STOP_WORDS = new Set(["the", "a", "an", "of", "this", "that", "on", "in", "for", "to", "is", "as", "document", "documents", "field", "value", "der", "die", "das", "le", "la", "el", "its", "their"]);

function canonicalTokens(text: string): string[] {
  // Keys as data files write them (`invoiceNumber`, `tax_id`) are the words they join.
  const folded = foldText(text.replace(/([a-z0-9])([A-Z])/g, "$1 $2"))
    .replace(/\((?:[^)]{0,4}|[a-z]{3}|incl[^)]*|excl[^)]*|net|gross|brutto|netto)\)/g, " ")
    .replace(/[():]/g, " ")
    .replace(/\b(e) (mail)\b/g, "$1mail")
    .replace(/#/g, " # ")
    // `VAT @ 20%`: the rate's sign names nothing.
    .replace(/@/g, " ");
  const tokens: string[] = [];
  for (const raw of folded.split(/\s+/)) {
    // `P.O.` → `po`; `no.` keeps its meaning through WORD_SYNONYMS first.
    const token = WORD_SYNONYMS[raw] !== undefined ? raw : raw.replace(/^[.]+|[.]+$/g, "").replace(/(?<=[a-z])\.(?=[a-z])/g, "");
    // Rates, numbers and currency codes inside labels (`MwSt. 19 %`, `Total (EUR)`, `SUMME EUR`) name nothing.
    if (!token || /^[\d.,]+%?$|^%$/.test(token) || LABEL_CURRENCIES.has(token)) continue;
    const mapped = WORD_SYNONYMS[token] ?? WORD_SYNONYMS[raw] ?? token;
    if (mapped) tokens.push(mapped);
  }
  return tokens;
}

function key(tokens: string[]): string {
  return tokens.join(" ");
}

export interface LabelVariant {
  tokens: string[];
  /** `tokens` joined, for exact comparison. */
  key: string;
  /** The best score a match on this variant can give: 1 for the name and its synonyms, less for the description. */
  weight: number;
}

const GROUP_KEYS: { keys: Set<string>; members: string[][] }[] = GROUPS.map((group) => {
  const members = group.map(canonicalTokens);
  return { keys: new Set(members.map(key)), members };
});

/** The field name in words: `invoice_number`, `invoiceNumber` → `invoice number`. */
function nameInWords(name: string): string {
  // `is_paid`, `has_discount`: the flag's prefix is not part of any label.
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_\-.]+/g, " ").trim().replace(/^(is|has|was|should be) (?=\S)/i, "");
}

const variantCache = new WeakMap<object, LabelVariant[]>();

/** The field's label variants (computed once per field object). */
export function labelVariants(field: Pick<FieldConfig, "name" | "description">): LabelVariant[] {
  let variants = variantCache.get(field);
  if (!variants) {
    variants = computeVariants(field);
    variantCache.set(field, variants);
  }
  return variants;
}

function computeVariants(field: Pick<FieldConfig, "name" | "description">): LabelVariant[] {
  const variants = new Map<string, LabelVariant>();
  const add = (tokens: string[], weight: number) => {
    const id = key(tokens);
    if (tokens.length > 0 && (variants.get(id)?.weight ?? 0) < weight) variants.set(id, { tokens, key: id, weight });
  };
  const nameTokens = canonicalTokens(nameInWords(field.name));
  add(nameTokens, 1);
  const description = canonicalTokens(field.description).filter((token) => !STOP_WORDS.has(token));
  if (description.length > 0 && description.length <= 6) add(description, 0.9);
  // The groups whose first phrase is the field's name; only when there is none, every group that lists the
  // name (`total` takes the invoice total's synonyms, not a line total's; `merchant` takes the vendor's).
  const canonical = GROUP_KEYS.filter((group) => key(group.members[0]!) === key(nameTokens));
  for (const group of canonical.length > 0 ? canonical : GROUP_KEYS.filter((candidate) => candidate.keys.has(key(nameTokens)))) {
    for (const member of group.members) add(member, 1);
  }
  if (description.length > 0) {
    for (const group of GROUP_KEYS.filter((candidate) => key(candidate.members[0]!) === key(description))) {
      for (const member of group.members) add(member, 0.9);
    }
  }
  return [...variants.values()];
}

/** Splits a label candidate into canonical tokens once, for repeated scoring. */
export function labelTokens(label: string): string[] {
  return canonicalTokens(label);
}

/**
 * How well `label` names the field: 1 for an exact variant, 0.55–0.9 for a partial match (Dice coefficient
 * of the words ≥ 0.6), 0 otherwise.
 */
export function labelScore(tokens: string[], variants: LabelVariant[]): number {
  if (tokens.length === 0 || tokens.length > 8) return 0;
  const text = key(tokens);
  const labelSet = new Set(tokens);
  let best = 0;
  for (const variant of variants) {
    if (variant.key === text) {
      best = Math.max(best, variant.weight);
      continue;
    }
    const shared = variant.tokens.filter((token) => labelSet.has(token)).length;
    const dice = (2 * shared) / (tokens.length + variant.tokens.length);
    if (dice >= 0.6) {
      best = Math.max(best, variant.weight * (0.45 + 0.45 * dice));
    }
  }
  return best;
}

/** Words that make a short first cell a summary row (`Order total`, `Summe`) rather than an item row. */
const SUMMARY_WORDS = /\b(sub ?total|total|grand total|summe|zwischensumme|gesamt|gesamtbetrag|tax|vat|mwst|ust|net|netto|brutto|balance|amount due|shipping|discount|rabatt|versand|tva|iva|total ht|total ttc)\b/;

export function isSummaryCell(folded: string): boolean {
  return folded.split(" ").length <= 3 && SUMMARY_WORDS.test(folded);
}

/** The header cell names the field when it holds every word of one of its variants (`Qty ordered`). */
export function headerContains(tokens: string[], variants: LabelVariant[]): number {
  if (tokens.length === 0 || tokens.length > 3) return 0;
  const header = new Set(tokens);
  return variants.some((variant) => variant.weight === 1 && variant.tokens.every((token) => header.has(token))) ? 0.8 : 0;
}

/** True when the field's labels include the bare word (`date`, `time`): a document's only date may be it. */
export function acceptsBareLabel(variants: LabelVariant[], word: string): boolean {
  return variants.some((variant) => variant.tokens.length === 1 && variant.tokens[0] === word);
}
