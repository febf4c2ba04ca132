"""党员档案 (issue 18): the national system's member record with its history, the lists hung on a
member, where they take part (member of record vs participating branch), the exchange with the
national and provincial systems by column map, and the 政治生日 card."""

from handlers.archive import entries, fields, participations  # noqa: F401
