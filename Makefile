# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test serve install messages lint bench clean system runtime

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# What the portal needs to run (make demo, make serve), then the tools to test it (make test).
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Debian packages (WeasyPrint's libraries, fonts, Chromium): installed when missing, as root;
# otherwise the exact apt-get command to run is printed and make stops.
system:
	PYTHON=$(PYTHON) scripts/system-packages

runtime:
	PYTHON=$(PYTHON) scripts/system-packages runtime

# The catalogues compiled when their .po changed (two runs side by side never write them at once).
MESSAGES := locale/en/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.mo
messages: $(MESSAGES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.runtime
	env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages -l $* --ignore=.venv -v0

demo: system messages
	PORTAL_DEMO=1 $(BIN)/python manage.py migrate --no-input -v0
	PORTAL_DEMO=1 $(BIN)/python manage.py load_demo
	@echo "Portail : http://127.0.0.1:$(PORT)/fr/  ·  administration : http://127.0.0.1:$(PORT)/fr/admin/"
	PORTAL_DEMO=1 DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production on one machine, configured from the environment (README, "Deploying"): the
# schema, the cache table and static files, then gunicorn and the task worker (Procfile).
serve: runtime messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --no-input -v0
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --procfile Procfile

test: system install messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run -v0 --settings=portal.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# LibreOffice (make system) writes the PDF whose reading the bench times; wrk loads gunicorn;
# Lighthouse is installed by the bench itself into .bench/ (npm), never needed by make test.
bench: system install messages
	PYTHON=$(PYTHON) scripts/system-packages bench
	PORTAL_DEMO=1 $(BIN)/python manage.py bench
	PORTAL_DEMO=1 $(BIN)/python manage.py bench_report

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
