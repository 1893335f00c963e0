"""Size limits shared by the documents, so that oversized input is refused with a message."""

import datetime

NAME = 100  # names, titles, short labels
SHORT = 50  # codes, phone numbers, short names
HEADING = 200  # a heading or a document title
TEXT = 2000  # a sentence or a short paragraph
LONG = 50000  # a section's body text

# the dates the panel works with: date arithmetic near 0001-01-01 or 9999-12-31 (a previous
# period, a month's end, a deadline) would leave the calendar Python can represent
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
