"""One router per area of the browser app: home, capture, look (wave, region, dealer), downloads, accounts."""
