"""党费 (中组发〔2008〕3号; domain notes §B4): the book of what was paid (book.py), what each member
owes — assessed from their base by the brackets (assessment.py), fixed each January at 核定
(annual.py), and set aside by an approved 减免 — and every member's own view (mine.py)."""

from handlers.dues.annual import (  # noqa: F401
    BASE_COLUMNS,
    adjust,
    assessments_for,
    confirm_year,
    current_assessment,
    import_bases,
    owed,
    template_rows,
    unassessed,
)
from handlers.dues.assessment import CATEGORY_LABELS, Assessment, assess  # noqa: F401
from handlers.dues.book import (  # noqa: F401
    IMPORT_COLUMNS,
    WAYS,
    DuesLine,
    ImportRefused,
    add_months,
    book,
    book_for,
    first_of,
    import_book,
    months_between,
    parse_month,
    queue_unpaid_reminders,
    record,
)
from handlers.dues.collection import (  # noqa: F401
    branch_of_year,
    branch_year,
    collection,
    named_branches,
    publish_notice,
    record_voluntary,
    voluntary_for_centre,
)
from handlers.dues.ledger import periods, reconcile, record_remittance  # noqa: F401
from handlers.dues.mine import chat_summary, my_year, receipt, receipt_number, reveal_my_base  # noqa: F401
