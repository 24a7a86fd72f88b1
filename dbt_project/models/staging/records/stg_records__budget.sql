select
    cast("år" as integer)                                 as year,
    "kategori"                                            as category,
    case when "kategori" = 'intäkter' then 'income' else 'cost' end as category_type,
    cast("budget_tkr" as decimal(14, 3))                  as budget_tkr,
    cast("utfall_tkr" as decimal(14, 3))                  as outcome_tkr,
    "rad_i_källan"                                        as line_in_source,
    "källa"                                               as source_document,
    coalesce(cast("exempel" as boolean), false)           as is_example,
    file_name                                             as record_file,
    source_row
from {{ records_latest("records_budget", ["år", "kategori"]) }} as r
