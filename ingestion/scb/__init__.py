"""SCB (Statistics Sweden) population over PxWebApi v2: client, extract, json-stat2, load."""
