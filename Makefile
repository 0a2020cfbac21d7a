# Two commands do the whole set-up: `make demo` and `make test`.
# Each creates .venv if it is missing and installs the project into it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench notebook catalogs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,demo]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m demos

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m benchmarks

# The tour notebook in JupyterLab (the 'notebook' extra, installed on first use).
notebook: $(STAMP)
	$(PY) -m pip install --quiet -e '.[notebook]'
	$(VENV)/bin/jupyter lab demos/tour.ipynb

# The Chinese message catalogs: extract every _("...") and N_("...") of a package with Babel,
# bring its .po up to date (new messages empty, stale ones dropped), compile the .mo gettext reads.
# Translate the empty msgstr in the .po, then run this again; tests/test_i18n.py checks the result.
CATALOG_PACKAGES := autograd nn scalargrad
catalogs: $(STAMP)
	@for package in $(CATALOG_PACKAGES); do \
	  $(VENV)/bin/pybabel -q extract --no-location --sort-output --project=scalargrad \
	    -o $(VENV)/$$package.pot $$package && \
	  $(VENV)/bin/pybabel -q update --init-missing --no-fuzzy-matching --ignore-obsolete \
	    -i $(VENV)/$$package.pot -d $$package/locale -D scalargrad -l zh_CN && \
	  $(VENV)/bin/pybabel compile --statistics -d $$package/locale -D scalargrad -l zh_CN || exit 1; \
	done

clean:
	rm -rf $(VENV) demo-output .pytest_cache .hypothesis .mypy_cache
