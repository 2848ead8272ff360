"""Which files a policy document accepts; the checks themselves are the portal's (portal.uploads)."""

from portal.uploads import FileKind

# The document as issued: a PDF or the Word original.
ORIGINAL_KINDS = frozenset({FileKind.PDF, FileKind.DOCX})
# Annexes and supporting files: any kind the portal accepts.
ATTACHMENT_KINDS = frozenset(FileKind)
