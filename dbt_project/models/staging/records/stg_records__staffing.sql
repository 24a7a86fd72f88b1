select
    cast("år" as integer)                                 as year,
    "roll"                                                as role,
    "finansiering"                                        as funding,   -- ordinarie, extern, ej angiven
    "person"                                              as person,
    cast("årsarbetare" as decimal(6, 2))                  as fte,
    cast("antal_personer" as integer)                     as persons,
    "anteckning"                                          as note,
    "källa"                                               as source_document,
    coalesce(cast("exempel" as boolean), false)           as is_example,
    file_name                                             as record_file,
    source_row
from {{ records_latest("records_staffing", ["år", "roll", "finansiering", "person"]) }} as r
