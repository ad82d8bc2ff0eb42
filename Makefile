# Two commands on a fresh machine with Python 3.11 and make: `make app`, `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
LOWEST_LOCK := requirements-lowest.lock
LOWEST_VENV := .venv-lowest
# pytest, with its exit 5 (no test collected) reported as the failure it is.
define pytest
	$(1) -m pytest $(2) || { status=$$?; \
		if [ $$status = 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$status; }
endef
# `make serve WORKERS=4 PORT=8501 BIND=0.0.0.0`: the app in several processes behind
# HAProxy, listening on BIND (all interfaces by default: the people in the room).
WORKERS ?= 2
PORT ?= 8501
BIND ?= 0.0.0.0
# `make bench-load`: its own servers on BENCH_PORT and up, localhost only.
BENCH_PORT ?= 8651

.PHONY: install lock lock-upgrade check-lowest check-wheel app serve test lint bench bench-load \
	bench-browser golden goldens-hash changelog data-check clean

# The exact versions in requirements.lock (hashes checked), then the project itself
# (editable, no dependencies of its own: the lock has them all). pip installs the lock's
# uv (hash-checked), and uv the rest: the same files, ten times faster than pip. When
# pyproject.toml's dependencies change, `make lock` refreshes the lock first; install
# refuses a stale one.
UV := $(BIN)/uv
UV_INSTALL = $(UV) pip install --quiet --no-deps --python
# Installed compiled (--compile-bytecode, compileall): every process the app, the command
# line and the tests start then loads bytecode instead of compiling each module it
# imports again, which it would do every time where PYTHONDONTWRITEBYTECODE is set.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) scripts/lock.py check
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PYTHON) scripts/lock.py pin uv > $(VENV)/uv.requirements
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r $(VENV)/uv.requirements
	$(UV_INSTALL) $(BIN)/python --require-hashes --compile-bytecode -r $(LOCK)
	$(UV_INSTALL) $(BIN)/python -e .
	$(BIN)/python -m compileall -q simulator app scripts benchmarks streamlit_app.py
	touch $(STAMP)

install: $(STAMP)

# Re-resolve both locks from pyproject.toml after a dependency change, keeping the
# versions already locked where pyproject allows; lock-upgrade takes the newest of all.
lock lock-upgrade:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/python scripts/lock.py write $(BIN)/uv $(if $(filter lock-upgrade,$@),--upgrade)

# The lower bounds in pyproject.toml are true: the lowest allowed versions of every
# direct dependency, in a venv of their own, pass the tests of what each bound is for
# (less those that start processes): golden runs of every shipped scenario and the
# generated docs (numpy, scipy, pandas, pydantic, tomli-w, pytest-regressions), the Excel
# pack's cells, formats and text (XlsxWriter, read back with openpyxl),
# every data error message word for word (pandera), the 2017/18 fit's diagnostics
# (statsmodels), the designer and its exact bound (scipy's milp), the brief (fpdf2; one
# page, read back with pypdfium2), its layout read back with pdfplumber, its shaped text
# (uharfbuzz) and bundled font (fonttools), the Hypothesis properties, the output sets
# and their lock (filelock); and, for Streamlit's and Plotly's bounds, every view of the
# app drawn once. The whole suite runs on the lock.
BRIEF_TESTS := $(addprefix tests/test_brief.py::test_,the_october_brief_is_one_page_with_the_model_s_numbers \
	user_text_is_written_as_text without_a_unicode_font_the_core_font_still_writes_the_text) \
	$(addprefix tests/test_brief_layout.py::test_,the_overlap_check_sees_an_overprint \
	the_brief_font_is_bundled_with_its_licence a_brief_is_the_same_pdf_on_every_machine \
	an_arabic_name_prints_joined an_emoji_name_says_what_cannot_be_printed \
	comparison_brief_labels_do_not_overlap)
LOWEST_TESTS := -m "not process" tests/test_golden.py tests/test_data_errors.py \
	tests/test_identification.py tests/test_design.py tests/test_design_search.py \
	$(BRIEF_TESTS) tests/test_properties.py \
	tests/test_output_sets.py tests/test_export.py tests/test_security.py
LOWEST_APP_TESTS := tests/test_app.py::test_every_view_renders
check-lowest: $(STAMP)
	$(PYTHON) scripts/lock.py check
	rm -rf $(LOWEST_VENV)
	$(UV) venv --quiet --python $(PYTHON) $(LOWEST_VENV)
	$(UV_INSTALL) $(LOWEST_VENV)/bin/python --require-hashes -r $(LOWEST_LOCK)
	$(UV_INSTALL) $(LOWEST_VENV)/bin/python -e .
	$(call pytest,$(LOWEST_VENV)/bin/python,-n 2 -q -p no:cacheprovider $(LOWEST_TESTS))
	$(call pytest,$(LOWEST_VENV)/bin/python,-q -p no:cacheprovider $(LOWEST_APP_TESTS))

app: $(STAMP)
	$(BIN)/streamlit run streamlit_app.py

serve: $(STAMP)
	$(BIN)/python -m scripts.serve --workers $(WORKERS) --port $(PORT) --host $(BIND)

# The browser tests need a Chromium: scripts/ensure_browser.py finds or installs one.
# PYTEST_ARGS narrows or adds to the run (CI: `-m browser`, `-m "not browser" --cov`).
# TEST_WORKERS processes share the tests; a browser test spends most of its time waiting
# for a page, so one more worker than cores keeps the cores busy meanwhile. Each browser
# module's tests stay on one worker (--dist loadgroup; tests/conftest.py).
PYTEST_ARGS ?=
TEST_WORKERS ?= 3
test: $(STAMP)
	IBCF_CHROMIUM="$$($(BIN)/python -m scripts.ensure_browser)" && export IBCF_CHROMIUM && \
		$(call pytest,$(BIN)/python,-n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS))

# The pure layers only (unit, property, golden): no app, no browser.
.PHONY: test-fast
test-fast: $(STAMP)
	$(call pytest,$(BIN)/python,-n 2 -m "(unit or property or golden) and not process")

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_changelog.py check

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Sessions at once on `make serve`: SESSIONS=1,20,40 MOVES=5 THINK=1,3 WORKERS=2
# CONDITIONS=idle,loaded (each level as the machine is, then with a busy process per core).
bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.load --workers $(WORKERS) --port $(BENCH_PORT)

# The built wheel, installed without the app extra, runs outside the checkout.
check-wheel: $(STAMP)
	PYTHON=$(PYTHON) scripts/check-wheel

# What a user feels, in headless Chromium: CONDITIONS=idle,loaded (the default: each
# figure as the machine is, then with a busy process per core), or one of them.
bench-browser: $(STAMP)
	$(BIN)/python -m benchmarks.browser

# Rewrite every golden file and generated doc from a fresh run (pytest-regressions;
# files whose content is unchanged stay as they are), then review the diff.
golden: $(STAMP)
	$(call pytest,$(BIN)/python,-q -p no:cacheprovider tests/test_golden.py -k matches --regen-all)

# After a deliberate change to the goldens and a changelog.d fragment saying so: record
# their digest (CI fails while it is stale; refused without a new fragment).
goldens-hash:
	$(PYTHON) scripts/check_changelog.py record

# The next release's section of CHANGELOG.md as the fragments in changelog.d/ make it.
changelog: $(STAMP)
	$(BIN)/towncrier build --draft --version "$$($(BIN)/python -c 'import simulator; print(simulator.__version__)')"

data-check: $(STAMP)
	$(BIN)/ibcf data check

clean:
	rm -rf $(VENV) $(LOWEST_VENV) .pytest_cache .mypy_cache .ruff_cache build dist
