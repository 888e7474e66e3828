# The verbs a person types. Everything runs on the local PostgreSQL and Redis defaults
# (see README "Configuration"); `make up` is the container alternative.
.PHONY: setup build demo test bench lint up down

setup:
	npm ci --no-audit --no-fund

build: setup
	npm run build

demo: build
	npm run demo

test: build
	npm test

bench: build
	npm run bench

lint:
	npm run typecheck && npm run lint

up:
	docker compose up -d --build

down:
	docker compose down
