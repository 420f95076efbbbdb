# Two commands for a newcomer: `make run` and `make test`. Both start from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
FIXTURES := fixtures/janusirsasana.json fixtures/starter_library.json fixtures/more_poses.json fixtures/sample_sequence.json

.PHONY: run serve varnish varnish-installed bench test lint format migrations-check install clean screenshots

$(BIN)/activate: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

run: install
	mkdir -p var
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) load_poses $(FIXTURES)
	DJANGO_DEBUG=1 $(MANAGE) create_local_admin
	DJANGO_DEBUG=1 DJANGO_PAGE_CACHE=1 $(MANAGE) runserver 127.0.0.1:8000

# Production settings under gunicorn, on plain http at 127.0.0.1:8000: only the settings that
# need HTTPS (redirect, HSTS, secure cookies) are off, and with no proxy in front the site
# serves uploaded images itself. The secret key is made once in var/.
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$(cat var/secret-key)" \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_HSTS_SECONDS=0 DJANGO_SECURE_COOKIES=0 \
	DJANGO_SERVE_MEDIA=1

var/secret-key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: install var/secret-key
	$(SERVE_ENV) $(MANAGE) migrate --no-input
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input -v0
	$(SERVE_ENV) $(MANAGE) load_poses $(FIXTURES)
	DJANGO_DEBUG=1 $(MANAGE) create_local_admin
	$(SERVE_ENV) $(BIN)/gunicorn studio.wsgi --workers 2 --bind 127.0.0.1:8000 \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

# Varnish on http://127.0.0.1:8080 in front of `make serve`, with the repository's VCL, in the
# foreground (Ctrl-C stops it). Start the site with `VARNISH_URL=http://127.0.0.1:8080 make serve`
# so that every save purges the pages it changes (docs/deploy.md, "Varnish in front").
VARNISHD = $(shell command -v varnishd || echo /usr/sbin/varnishd)

varnish-installed:
	test -x $(VARNISHD) && ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 \
		|| apt-get install -y -q varnish varnish-modules

varnish: varnish-installed
	mkdir -p var/varnish
	$(VARNISHD) -F -j none -n $(CURDIR)/var/varnish/state -a 127.0.0.1:8080 \
		-f $(CURDIR)/deploy/varnish/studio.vcl -s malloc,256m

# Never part of `make test`: 10-15 minutes of load on this machine (bench/README.md).
# BENCH_SIZES=1000 for a quicker run; DATABASE_URL=postgres://… to benchmark PostgreSQL (in a
# database of its own, studio_bench). The Varnish rows need varnishd and deploy/varnish/.
bench: install
	command -v wrk >/dev/null || apt-get install -y -q wrk
	$(BIN)/python bench/run.py

# The README's pictures, drawn by Chromium from a scratch database of the fixtures: the
# figures' contact sheet, docs/figures.png, and the pages in docs/screenshots/ (the browser
# tests write nothing into the repository). Never part of `make test`.
SHEET_ENV = DJANGO_DEBUG=1 DATABASE_URL=sqlite:///var/screenshots.sqlite3
screenshots: install
	mkdir -p var
	rm -f var/screenshots.sqlite3
	$(SHEET_ENV) $(MANAGE) migrate --no-input -v0
	$(SHEET_ENV) $(MANAGE) load_poses $(FIXTURES)
	$(SHEET_ENV) $(MANAGE) figure_sheet docs/figures.png
	$(SHEET_ENV) $(BIN)/python -m tests.browser.screenshots docs/screenshots
	rm -f var/screenshots.sqlite3

# The browser tests' tools, from npm: axe-core and the Nu Html Checker. No install scripts:
# the checker's would only look for a Java to download.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

# The suite runs on SQLite; with DATABASE_URL pointing at PostgreSQL (as in CI) it runs
# there too. The browser tests are part of it: they need Chromium at /usr/bin/chromium; the
# Varnish tests start a varnishd (installed here when missing).
test: install node_modules/.package-lock.json varnish-installed lint migrations-check
	env -u DATABASE_URL $(BIN)/pytest
	@case "$$DATABASE_URL" in \
	  postgres*) echo "Running the suite again on PostgreSQL"; $(BIN)/pytest ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: ran on SQLite only." ;; \
	esac

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
