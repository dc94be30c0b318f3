"""Wire protocol v1: one dataclass per message type, the encoder and decoder, the binary audio header, codes.

Pure data and functions, no I/O. May import nothing else in ``relay``; everything else imports it.
"""
