"""Body conditions end to end: order confirmations whose subject
("Order confirmation 100301") does not name the product go over SMTP into a
private Postfix with autoresponder-milter attached; only the body says
"SKU PX-100", in the charsets and transfer encodings real shop systems use.
conf/sequences/product-px100.sequence (with every other shipped sequence,
copied into the work directory) enrols the customers whose order names the
PX-100; the clock file moves time 5 days and autoresponder-dispatcher --once
sends their coupons back through Postfix to the SMTP sink.

Who orders what, and how the confirmation is written:
  - Anna: UTF-8, quoted-printable, multipart/alternative (text and HTML);
  - Boris: KOI8-R, base64, text/plain (Russian text around the SKU);
  - Clara: ISO-8859-1, quoted-printable, HTML only ("SKU&nbsp;PX-100");
  - Dmitri: a PX-200 order (UTF-8) whose attached invoice.txt names the
    PX-100: attachments are never read, so he is not enrolled;
  - Emil: a PX-1000 order: the pattern's word boundary keeps him out.
"""

import base64
import quopri
import re
import unittest

from harness.mail_system import MailSystemCase, encode_word_b64
from test_sequences import DAY, START, Expect, SequenceStory, show, since_start

ANNA, BORIS, CLARA, DMITRI, EMIL = ("anna@example.de", "boris@example.ru", "clara@example.fr",
                                    "dmitri@example.ru", "emil@example.se")
NAMES = {ANNA: "Anna Müller", BORIS: "Борис Петров", CLARA: "Clara Lefèvre",
         DMITRI: "Дмитрий Орлов", EMIL: "Emil Åberg"}


def qp(text, charset):
    return quopri.encodestring(text.encode(charset)).decode("ascii").replace("\n", "\r\n")


def b64(text, charset):
    encoded = base64.encodebytes(text.encode(charset)).decode("ascii")
    return encoded.replace("\n", "\r\n")


def order_mail(person, number, content_type, body, message_id):
    """An order confirmation from the shop system; content_type and body
    are the MIME part that follows the header section."""
    lines = [
        "From: Shop orders <orders@shop.example>",
        "To: %s <%s>" % (encode_word_b64(NAMES[person]), person),
        "Subject: Order confirmation %d" % number,
        "Date: Mon, 05 Jan 2026 09:00:00 +0000",
        "Message-ID: %s" % message_id,
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
    ] + content_type
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


class BodyTriggerStory(SequenceStory, MailSystemCase):
    """product-px100: enrolled by the body of the order confirmation only."""

    zone = "Europe/Berlin"

    def order(self, person, number, content_type, body):
        message_id = "<order-%d@shop.example>" % number
        data = order_mail(person, number, content_type, body, message_id)
        return self.send_raw("orders@shop.example", [person], data, message_id,
                             note="  order %d for %s" % (number, person))

    def coupon(self, person, number):
        return Expect(person, "product-px100", "coupon", "Your PX-100 coupon: {coupon}",
                      ["thank you for order %d" % number, "enter {coupon} at checkout"])

    def test_orders_enrol_by_body_and_coupons_follow_five_days_later(self):
        self.say("%s: five order confirmations, the product only in the body" %
                 show(self.now(), self.zone))
        # Anna: UTF-8 quoted-printable, text and HTML alternatives.
        plain = "Danke für Ihre Bestellung, Frau Müller!\r\nArtikel: SKU PX-100 × 1\r\n"
        html = "<p>Danke f&uuml;r Ihre Bestellung!</p><p>SKU <b>PX-100</b> &times; 1</p>"
        self.order(ANNA, 100301, ['Content-Type: multipart/alternative; boundary="alt-1"'],
                   "--alt-1\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(plain, "utf-8") +
                   "\r\n--alt-1\r\nContent-Type: text/html; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(html, "utf-8") +
                   "\r\n--alt-1--\r\n")
        # Boris: KOI8-R base64.
        self.order(BORIS, 100302, ["Content-Type: text/plain; charset=koi8-r",
                                   "Content-Transfer-Encoding: base64"],
                   b64("Спасибо за заказ!\r\nАртикул: SKU PX-100, 1 шт.\r\n", "koi8-r"))
        # Clara: ISO-8859-1 HTML only.
        self.order(CLARA, 100303, ["Content-Type: text/html; charset=ISO-8859-1",
                                   "Content-Transfer-Encoding: quoted-printable"],
                   qp("<html><body><p>Merci, Mme Lefèvre !</p>"
                      "<table><tr><td>SKU&nbsp;PX-100</td><td>1</td></tr></table>"
                      "</body></html>\r\n", "iso-8859-1"))
        # Dmitri: another product; the attachment names the PX-100.
        self.order(DMITRI, 100304, ['Content-Type: multipart/mixed; boundary="mix-1"'],
                   "--mix-1\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
                   qp("Спасибо за заказ!\r\nАртикул: SKU PX-200\r\n", "utf-8") +
                   "\r\n--mix-1\r\nContent-Type: text/plain; charset=UTF-8; name=invoice.txt\r\n"
                   "Content-Disposition: attachment; filename=invoice.txt\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n" +
                   b64("Invoice: SKU PX-100 (recommended accessory)\r\n", "utf-8") +
                   "--mix-1--\r\n")
        # Emil: a PX-1000.
        self.order(EMIL, 100305, ["Content-Type: text/plain; charset=UTF-8",
                                  "Content-Transfer-Encoding: 8bit"],
                   "Tack för din beställning!\r\nSKU PX-1000\r\n")

        for person in (ANNA, BORIS, CLARA):
            self.assert_milter_logged(r"%s: enrolled in product-px100 " % re.escape(person))
        log = self.milter_log()
        for person in (DMITRI, EMIL):
            self.assertNotRegex(log, r"%s: enrolled in product-px100" % re.escape(person))

        self.due_at(START + 5 * DAY, self.coupon(ANNA, 100301), self.coupon(BORIS, 100302),
                    self.coupon(CLARA, 100303))
        self.say("%s (%s): nothing more for a month" % (show(START + 35 * DAY, self.zone),
                                                        since_start(START + 35 * DAY)))
        self.nothing_until(START + 35 * DAY)


if __name__ == "__main__":
    unittest.main()
