"""The offline field app (外勤记录) served at /field/: app shell, manifest and service worker."""
