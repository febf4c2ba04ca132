# Two commands matter: `make demo` and `make test` (README quick start).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean vendor

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The app with everything embedded: SQLite under instance/, in-process Redis stand-in and jobs,
## the demo hospital loaded. No REDIS_URL/DATABASE_URL needed.
## PORT=5050 make demo serves elsewhere (the emulator and card links follow).
PORT ?= 5000
demo: $(STAMP)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed demo
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/flask --app app demo serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Against PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set, else embedded.
test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y --no-install-recommends wrk >/dev/null \
	  || echo "wrk could not be installed: the HTTP benchmarks will say they were skipped" >&2
	$(BIN)/python -m bench

## Refresh the vendored front-end libraries from the npm registry (committed: nothing is fetched
## at run time, hospital intranets have no internet). WeUI is MIT, ECharts Apache-2.0, and
## Tencent's WeCom JS-SDK (@wecom/jssdk) MIT by its package.json (the package ships no licence file).
WEUI_VERSION    := 2.6.26
ECHARTS_VERSION := 6.1.0
JSSDK_VERSION   := 2.4.4
VENDOR_TMP      := .vendor-tmp
vendor:
	rm -rf $(VENDOR_TMP) && mkdir -p $(VENDOR_TMP) static/vendor/weui static/vendor/echarts static/vendor/wecom-jssdk
	cd $(VENDOR_TMP) && npm pack --silent weui@$(WEUI_VERSION) echarts@$(ECHARTS_VERSION) @wecom/jssdk@$(JSSDK_VERSION) >/dev/null
	cd $(VENDOR_TMP) && mkdir weui echarts jssdk \
	  && tar xzf weui-$(WEUI_VERSION).tgz -C weui --strip-components=1 \
	  && tar xzf echarts-$(ECHARTS_VERSION).tgz -C echarts --strip-components=1 \
	  && tar xzf wecom-jssdk-$(JSSDK_VERSION).tgz -C jssdk --strip-components=1
	cp $(VENDOR_TMP)/weui/dist/style/weui.min.css $(VENDOR_TMP)/weui/LICENSE.txt static/vendor/weui/
	cp $(VENDOR_TMP)/echarts/dist/echarts.min.js $(VENDOR_TMP)/echarts/LICENSE $(VENDOR_TMP)/echarts/NOTICE static/vendor/echarts/
	cp $(VENDOR_TMP)/jssdk/dist/wecom.global.prod.js static/vendor/wecom-jssdk/
	cd $(VENDOR_TMP)/jssdk && printf 'license: %s (package.json of @wecom/jssdk %s)\nrepository: %s\n' \
	  "$$(node -p 'require("./package.json").license')" $(JSSDK_VERSION) \
	  "$$(node -p 'require("./package.json").homepage')" > ../../static/vendor/wecom-jssdk/LICENSE.txt
	echo "weui $(WEUI_VERSION), echarts $(ECHARTS_VERSION), @wecom/jssdk $(JSSDK_VERSION) from the npm registry" > static/vendor/VERSIONS
	rm -rf $(VENDOR_TMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
