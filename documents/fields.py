"""Size limits shared by the documents, so that oversized input is refused with a message."""

NAME = 100  # names, titles, short labels
SHORT = 50  # codes, phone numbers, short names
HEADING = 200  # a heading or a document title
TEXT = 2000  # a sentence or a short paragraph
LONG = 50000  # a section's body text
