"""Path converters: what a plan's URLs accept before any view or query runs."""

from actionplans.models.measure import MEASURE_NUMBER_MAX_LENGTH, MEASURE_NUMBER_PATTERN


class MeasureNumberConverter:
    """A measure number as plans write it, digits separated by dots ("1.3.2"), 20 characters
    at most: anything else (a NUL byte, "../", a 10 kB string) is a plain 404."""

    regex = MEASURE_NUMBER_PATTERN

    def to_python(self, value):
        if len(value) > MEASURE_NUMBER_MAX_LENGTH:
            raise ValueError(value)  # Django: this path does not match
        return value

    def to_url(self, value):
        return str(value)
