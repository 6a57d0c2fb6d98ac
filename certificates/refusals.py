"""A document that cannot be made as asked (not worth retrying): its message is what staff read
on the job. Kept apart so renderers and services share it without importing each other."""


class DocumentRefused(Exception):
    pass
