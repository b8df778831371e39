"""The pipeline's wiring: RQ jobs that connect ``crawler``, ``rules`` and ``alerts``.

::

    crawl queue    crawl_site(site_id)        list pages → new ArticleRefs → articles rows
    parse queue    process_article(id)        fetch → parse → extract → diff → events + deliveries
    deliver queue  deliver(delivery_id)       one alert to one subscriber on one channel

Jobs take ids and strings; everything they need comes from :mod:`workers.runtime`, set up once
per worker process.
"""
