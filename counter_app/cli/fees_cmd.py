"""The fee options of ``receive`` (issue 13, item 7): what was recorded at the desk.

``--fee-due`` the amount due in đồng (else the catalogue's for the channel), ``--fee-collected``
what was collected now, ``--fee-method`` how (cash, transfer, online), ``--fee-receipt`` the
e-receipt number, ``--fee-exemption`` the exemption's key in the dossier's rule set (e.g.
``digital_citizen``). A later record is ``counter-app event CODE fee --json '{…}'``.
"""

from __future__ import annotations

import argparse
from typing import Any

from counter_app.domain.fees import FEE_METHODS
from counter_app.texts import fees as ft


def add_fee_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fee-due", metavar=ft.METAVAR_AMOUNT, help=ft.CLI_FEE_DUE)
    p.add_argument("--fee-collected", metavar=ft.METAVAR_AMOUNT, help=ft.CLI_FEE_COLLECTED)
    p.add_argument("--fee-method", choices=FEE_METHODS, help=ft.CLI_FEE_METHOD)
    p.add_argument("--fee-receipt", metavar=ft.METAVAR_RECEIPT, help=ft.CLI_FEE_RECEIPT)
    p.add_argument("--fee-exemption", metavar=ft.METAVAR_KEY, help=ft.CLI_FEE_EXEMPTION)


def fee_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The ReceptionRequest's ``fee_due`` and ``fee_payment`` from the options."""
    payment = {
        key: value
        for key, value in (
            ("collected", args.fee_collected),
            ("method", args.fee_method),
            ("receipt_no", args.fee_receipt),
            ("exemption", args.fee_exemption),
        )
        if value
    }
    return {"fee_due": args.fee_due, "fee_payment": payment or None}


def fee_summary(dossier: Any) -> dict[str, Any]:
    """The fee part of ``receive``'s JSON answer."""
    return {
        "due": dossier.fee_due,
        "collected": dossier.fee_collected,
        "method": dossier.fee_method,
        "receipt_no": dossier.fee_receipt_no,
        "exemption": dossier.fee_exemption,
    }
