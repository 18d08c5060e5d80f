"""Read onecnn run folders and saved data sets into numpy (and pandas, when it is installed).

    import sys; sys.path.insert(0, "path/to/onecnn/python")
    import onecnn_io
    run = onecnn_io.load_run("runs/sample-size-quick-20261201-120000")
    run.config["empirical"]["n"]        # the resolved config (config.yaml), as dicts and lists
    run.provenance["seeds"]["master"]   # provenance.json
    run.results                         # results.csv: a pandas DataFrame, or a Table of numpy columns
    run.summary                         # summary.csv
    run.tables["transitions"]           # every CSV of the folder, by file name without .csv
    run.summary_json                    # summary.json (None when the folder has none)
    run.params                          # saved parameters: every params/**/*.npy, by relative path without .npy
    ds = onecnn_io.load_dataset("datasets/<run folder>/n-200-d-0")   # ds.X, ds.y, ds.manifest

Needs numpy only. With pandas installed the tables are DataFrames (pandas.read_csv; an empty field is NaN);
without it, or with pandas=False, they are Table objects: t["column"] is a numpy array (int64 when every value
is an integer, float64 when every value is a number or empty, an empty field then NaN; str otherwise), len(t) is
the number of rows, t.columns the column names in file order, t.to_pandas() converts.

The config is read from config.yaml, the resolved config onecnn writes (every default filled in). onecnn writes
it in a small subset of YAML (block mappings and sequences, plain and double-quoted scalars, [] and {}), which
this module parses itself so that PyYAML is not needed; anything outside that subset is a ValueError, never a
silently wrong value. Documentation: docs/python.md.
"""
import csv
import json
import math
import os
import re

import numpy as np

__all__ = ["load_run", "load_dataset", "read_table", "parse_config_yaml", "Run", "Dataset", "Table"]


# ---------------------------------------------------------------------------------------------------- tables

class Table:
    """A CSV table as numpy columns, for when pandas is absent. t["col"] is a column, len(t) the row count."""

    def __init__(self, columns):
        self._cols = dict(columns)
        lengths = {len(v) for v in self._cols.values()}
        if len(lengths) > 1:
            raise ValueError("columns of unequal length: %s" % sorted(lengths))
        self._rows = lengths.pop() if lengths else 0

    @property
    def columns(self):
        return list(self._cols)

    def __getitem__(self, name):
        return self._cols[name]

    def __contains__(self, name):
        return name in self._cols

    def __len__(self):
        return self._rows

    def __repr__(self):
        return "Table(%d rows: %s)" % (self._rows, ", ".join(self._cols))

    def to_pandas(self):
        import pandas as pd
        return pd.DataFrame(self._cols)


_INT = re.compile(r"^[+-]?\d+$")


def _column(values):
    """The numpy array of one CSV column: int64, float64 (empty fields NaN) or str."""
    if values and all(_INT.match(v) for v in values):
        try:
            return np.array([int(v) for v in values], dtype=np.int64)
        except OverflowError:
            pass
    try:
        # onecnn writes no NaN or Infinity; an empty field is a value that does not exist (docs/run-folder.md)
        return np.array([float(v) if v != "" else math.nan for v in values], dtype=np.float64)
    except ValueError:
        return np.array(values, dtype=str)


def read_table(path, pandas=None):
    """One CSV file: a pandas DataFrame when pandas is importable (or pandas=True), else a Table."""
    if pandas is None or pandas:
        try:
            import pandas as pd
        except ImportError:
            if pandas:
                raise
        else:
            # only an empty field is a missing value (docs/run-folder.md); pandas' other NA words ("NA", "null",
            # "None", ...) are not onecnn's and stay text
            return pd.read_csv(path, keep_default_na=False, na_values=[""])
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        return Table({})
    header, body = rows[0], rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise ValueError("%s: row %d has %d fields, the header %d" % (path, i + 2, len(r), len(header)))
    return Table({name: _column([r[j] for r in body]) for j, name in enumerate(header)})


# ---------------------------------------------------------------------------------------------- config.yaml

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_KEY = re.compile(r'^("(?:[^"\\]|\\.)*"|[^\s"#\-\[\]{}][^:#]*?|-[^\s:#][^:#]*?):(?:\s+(.*))?$')


def _scalar(text, where):
    t = text.strip()
    if t in ("null", "~", "Null", "NULL", ""):
        return None
    if t in ("true", "True", "TRUE"):
        return True
    if t in ("false", "False", "FALSE"):
        return False
    if t == "[]":
        return []
    if t == "{}":
        return {}
    if t.startswith('"'):
        if len(t) < 2 or not t.endswith('"'):
            raise ValueError("config.yaml line %d: unterminated string %s" % (where, t))
        # YAML's double-quoted escapes are JSON's, plus a few (\x, \0, \e) onecnn does not write
        try:
            return json.loads(t)
        except json.JSONDecodeError as e:
            raise ValueError("config.yaml line %d: cannot read the string %s (%s)" % (where, t, e))
    if t.startswith("'"):
        if len(t) < 2 or not t.endswith("'"):
            raise ValueError("config.yaml line %d: unterminated string %s" % (where, t))
        return t[1:-1].replace("''", "'")
    if t[0] in "[{|>&*!":
        raise ValueError("config.yaml line %d: %s is YAML this reader does not parse (onecnn writes block "
                         "style); install PyYAML and use yaml.safe_load" % (where, t))
    if _INT.match(t):
        return int(t)
    if _NUMBER.match(t):
        return float(t)
    if t in (".inf", "+.inf", ".Inf"):
        return math.inf
    if t in ("-.inf", "-.Inf"):
        return -math.inf
    if t in (".nan", ".NaN"):
        return math.nan
    return t


def _strip_comment(line):
    """line without a trailing # comment (a # inside a double-quoted string is kept)."""
    out, quoted, esc = [], False, False
    for i, ch in enumerate(line):
        if quoted:
            out.append(ch)
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
            out.append(ch)
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        else:
            out.append(ch)
    return "".join(out).rstrip()


def parse_config_yaml(text):
    """The value of a config.yaml as onecnn writes it: dicts, lists, str, int, float, bool and None."""
    lines = []
    for no, raw in enumerate(text.splitlines(), 1):
        if "\t" in raw[:len(raw) - len(raw.lstrip())]:
            raise ValueError("config.yaml line %d: a tab in the indentation" % no)
        s = _strip_comment(raw)
        if s.strip() in ("", "---"):
            continue
        lines.append((len(s) - len(s.lstrip(" ")), s.strip(), no))
    pos = [0]

    def block(indent):
        ind, s, no = lines[pos[0]]
        if s.startswith("- ") or s == "-":
            return seq(ind)
        return mapping(ind)

    def value_after(text_after, ind, no):
        """A key's value: inline, or the nested block on the following lines."""
        if text_after is not None and text_after != "":
            return _scalar(text_after, no)
        if pos[0] < len(lines):
            nind, ns, _ = lines[pos[0]]
            # a nested block is indented deeper; a sequence may also sit at the key's own indentation
            if nind > ind or (nind == ind and (ns.startswith("- ") or ns == "-")):
                return block(nind)
        return None

    def mapping(ind):
        out = {}
        while pos[0] < len(lines):
            lind, s, no = lines[pos[0]]
            if lind < ind:
                break
            if lind > ind:
                raise ValueError("config.yaml line %d: unexpected indentation" % no)
            if s.startswith("- ") or s == "-":
                break
            m = _KEY.match(s)
            if not m:
                raise ValueError("config.yaml line %d: expected 'key: value', found %r" % (no, s))
            key = m.group(1).strip()
            key = json.loads(key) if key.startswith('"') else key
            pos[0] += 1
            out[key] = value_after(m.group(2), ind, no)
        return out

    def seq(ind):
        out = []
        while pos[0] < len(lines):
            lind, s, no = lines[pos[0]]
            if lind != ind or not (s.startswith("- ") or s == "-"):
                if lind > ind:
                    raise ValueError("config.yaml line %d: unexpected indentation" % no)
                break
            rest = s[1:].lstrip(" ")
            if rest == "":
                pos[0] += 1
                out.append(value_after(None, ind, no) if pos[0] < len(lines) and lines[pos[0]][0] > ind else None)
                continue
            # "- item": the item starts at the column after "- "; rewrite the line as that item and parse it
            col = lind + (len(s) - len(rest))
            lines[pos[0]] = (col, rest, no)
            out.append(block(col) if (_KEY.match(rest) or rest.startswith("- ")) else _item(rest, no))
        return out

    def _item(rest, no):
        pos[0] += 1
        return _scalar(rest, no)

    if not lines:
        return None
    value = block(lines[0][0])
    if pos[0] != len(lines):
        raise ValueError("config.yaml line %d: unexpected content %r" % (lines[pos[0]][2], lines[pos[0]][1]))
    return value


# ---------------------------------------------------------------------------------------------- run folders

class Run:
    """A run folder read into Python. Attributes:

    folder        the folder's path
    config        config.yaml: the resolved config (dicts and lists)
    provenance    provenance.json
    summary_json  summary.json, or None
    tables        every *.csv at the top of the folder, by name without .csv (results, summary, population, ...)
    results       tables["results"] (None for a type without results.csv, e.g. paired-trajectories: its per-run
                  table is tables["deviation"])
    summary       tables["summary"], or None
    params        saved parameters: every *.npy under params/, by path relative to params/ without .npy
                  (empty when the run saved none)
    datasets      the paths of the data sets the run saved or read (provenance "datasets"), for load_dataset
    report        report.md as text, or None
    """

    def __init__(self, folder, config, provenance, summary_json, tables, params, datasets, report):
        self.folder = folder
        self.config = config
        self.provenance = provenance
        self.summary_json = summary_json
        self.tables = tables
        self.params = params
        self.datasets = datasets
        self.report = report

    @property
    def results(self):
        return self.tables.get("results")

    @property
    def summary(self):
        return self.tables.get("summary")

    def __getitem__(self, name):
        """run["results"], run["config"], ...: the attribute of that name, else the table (run["per_dataset"]),
        so that code written for a dict of the folder's parts works too; KeyError for anything else."""
        if name in ("folder", "config", "provenance", "summary_json", "tables", "params", "datasets", "report",
                    "results", "summary"):
            return getattr(self, name)
        if name in self.tables:
            return self.tables[name]
        raise KeyError(name)

    def __repr__(self):
        return "Run(%r: %s)" % (self.folder, ", ".join("%s[%d]" % (k, len(v)) for k, v in self.tables.items()))


def _json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_run(folder, pandas=None):
    """Reads the run folder `folder` (see Run). pandas: None uses pandas when it is installed; False never."""
    folder = os.fspath(folder)
    if not os.path.isfile(os.path.join(folder, "config.yaml")):
        raise FileNotFoundError("%s has no config.yaml: not an onecnn run folder" % folder)
    with open(os.path.join(folder, "config.yaml"), encoding="utf-8") as f:
        config = parse_config_yaml(f.read())
    prov_path = os.path.join(folder, "provenance.json")
    provenance = _json(prov_path) if os.path.isfile(prov_path) else None
    if provenance is not None and provenance.get("status") not in ("complete", None):
        import warnings
        warnings.warn("%s: status %r, the tables may be missing or partial (finish it with ./onecnn run "
                      "--resume)" % (folder, provenance.get("status")))
    sj = os.path.join(folder, "summary.json")
    summary_json = _json(sj) if os.path.isfile(sj) else None
    tables = {}
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if name.endswith(".csv") and not name.startswith(".") and os.path.isfile(p):
            tables[name[:-4]] = read_table(p, pandas=pandas)
    params = {}
    pdir = os.path.join(folder, "params")
    if os.path.isdir(pdir):
        for root, dirs, files in os.walk(pdir):
            dirs.sort()
            for fn in sorted(files):
                if fn.endswith(".npy"):
                    rel = os.path.relpath(os.path.join(root, fn), pdir)[:-4].replace(os.sep, "/")
                    params[rel] = np.load(os.path.join(root, fn), allow_pickle=False)
    datasets = []
    if provenance and isinstance(provenance.get("datasets"), dict):
        datasets = [s.get("path") for s in provenance["datasets"].get("sets", []) if s.get("path")]
    rp = os.path.join(folder, "report.md")
    report = None
    if os.path.isfile(rp):
        with open(rp, encoding="utf-8") as f:
            report = f.read()
    return Run(folder, config, provenance, summary_json, tables, params, datasets, report)


# ------------------------------------------------------------------------------------------------ data sets

class Dataset:
    """A saved data set (docs/datasets.md): X [n, d], y [n] (the [n, 1] file flattened), manifest (dict)."""

    def __init__(self, folder, X, y, manifest):
        self.folder = folder
        self.X = X
        self.y = y
        self.manifest = manifest

    def __repr__(self):
        return "Dataset(%r: X %s %s)" % (self.folder, self.X.shape, self.X.dtype)


def load_dataset(folder):
    """Reads a data set folder (X.npy, y.npy, manifest.json), checking the shapes against the manifest."""
    folder = os.fspath(folder)
    X = np.load(os.path.join(folder, "X.npy"), allow_pickle=False)
    y = np.load(os.path.join(folder, "y.npy"), allow_pickle=False)
    manifest = _json(os.path.join(folder, "manifest.json"))
    n, d = manifest.get("n"), manifest.get("d")
    if X.shape != (n, d) or y.shape != (n, 1):
        raise ValueError("%s: X %s and y %s, the manifest says n = %s, d = %s" % (folder, X.shape, y.shape, n, d))
    return Dataset(folder, X, y[:, 0], manifest)
