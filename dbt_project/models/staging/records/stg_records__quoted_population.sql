select
    "dokument"                    as document,
    cast("avser_datum" as date)   as reference_date,
    "kommun"                      as municipality_code,
    cast("folkmängd" as bigint)   as quoted_population,
    file_name                     as record_file,
    source_row
from {{ records_latest("records_quoted_population", ["dokument", "avser_datum", "kommun"]) }} as r
