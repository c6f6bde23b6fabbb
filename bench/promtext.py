"""Reading the Prometheus text exposition format (the operator's /metrics, the API server's /metrics)
and estimating quantiles from histogram buckets the way PromQL's histogram_quantile does."""
import math
import re

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text, name):
    """[(labels, value)] of every sample of the metric `name` (exact name, e.g. "x_bucket")."""
    out = []
    prefix = name + "{"
    for line in text.splitlines():
        if not (line.startswith(prefix) or line.startswith(name + " ")):
            continue
        m = _SAMPLE.match(line)
        if not m or m.group(1) != name:
            continue
        labels = {k: v.replace('\\"', '"').replace("\\\\", "\\") for k, v in _LABEL.findall(m.group(2) or "")}
        out.append((labels, float(m.group(3))))
    return out


def total(text, name, where=lambda labels: True):
    return sum(v for labels, v in samples(text, name) if where(labels))


class Histogram:
    """Cumulative bucket counts by upper bound (inf last), and the count and sum."""

    def __init__(self, buckets, count, sum_):
        self.buckets, self.count, self.sum = buckets, count, sum_

    @classmethod
    def parse(cls, text, name):
        buckets = sorted((float(labels["le"]), v) for labels, v in samples(text, name + "_bucket"))
        return cls(buckets, total(text, name + "_count"), total(text, name + "_sum"))

    def __sub__(self, before):
        old = dict(before.buckets)
        return Histogram([(le, v - old.get(le, 0)) for le, v in self.buckets], self.count - before.count,
                         self.sum - before.sum)

    def quantile(self, q):
        """histogram_quantile(q): linear interpolation inside the bucket holding rank q·count (the first
        bucket starts at 0); a rank in the +Inf bucket answers the highest finite bound. None when empty."""
        if not self.buckets or self.buckets[-1][1] <= 0:
            return None
        rank = q * self.buckets[-1][1]
        lower_bound, lower_count = 0.0, 0.0
        for le, count in self.buckets:
            if count >= rank:
                if math.isinf(le):
                    return lower_bound
                if count == lower_count:
                    return le
                return lower_bound + (le - lower_bound) * (rank - lower_count) / (count - lower_count)
            lower_bound, lower_count = le, count
        return lower_bound
