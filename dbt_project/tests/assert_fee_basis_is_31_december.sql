-- Population is counted on 31 December; a fee basis on any other date has no SCB figure.
select fee_year, basis_date
from {{ ref('stg_records__fee_parameters') }}
where month(basis_date) <> 12 or day(basis_date) <> 31
