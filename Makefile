# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help setup run test messages lint format bench scale-test backup restore

help:
	@echo "make run      set up, then start web server, Celery worker and beat (Ctrl-C stops)"
	@echo "make test     set up, then ruff, mypy, djLint, migrations, deploy and translation checks, all tests"
	@echo "make setup    the set-up alone: .venv, PostgreSQL, Redis, migrations, demo data"
	@echo "make messages update the translation catalogues after changing strings"
	@echo "make bench    set up, then run the benchmarks (QUICK=1 for a short run)"
	@echo "make backup   a dated folder with the database dump, media files and a checksum manifest"
	@echo "make restore FROM=folder  check a backup, then restore it into an empty database and media folder"
	@echo "make scale-test  two web servers and two workers behind a proxy, a registration rush"

setup:
	@bash scripts/setup.sh run

run: setup
	@bash scripts/run.sh

test:
	@bash scripts/setup.sh test
	@bash scripts/test.sh $(PYTEST_ARGS)

messages:
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --add-location=never \
	  --ignore='.venv/*' --ignore='.local/*' --ignore='tests/*' --ignore='static/vendor/*' --ignore='bench/*'
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --add-location=never \
	  --ignore='.venv/*' --ignore='.local/*' --ignore='static/vendor/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench:
	@bash scripts/setup.sh bench
	$(PY) bench/run.py $(if $(QUICK),--quick,)

scale-test:
	@bash scripts/setup.sh test
	$(PY) scripts/scale_test.py

backup:
	$(PY) manage.py backup

restore:
	@test -n "$(FROM)" || { echo "usage: make restore FROM=path/to/backup-folder"; exit 2; }
	$(PY) manage.py restore "$(FROM)"
