select
    cast("år" as integer)                                 as year,
    "kanal"                                               as channel,
    "mått"                                                as metric,
    coalesce("avser", '(hela kanalen)')                   as subject,
    cast("värde" as bigint)                               as value,
    coalesce(cast("ungefärligt" as boolean), false)       as is_approximate,
    "period"                                              as period,
    cast("förändring_pct_enligt_källa" as decimal(8, 1))  as quoted_change_pct,
    "källa"                                               as source_document,
    coalesce(cast("exempel" as boolean), false)           as is_example,
    file_name                                             as record_file,
    source_row
from {{ records_latest("records_communication", ["år", "kanal", "mått", "avser"]) }} as r
