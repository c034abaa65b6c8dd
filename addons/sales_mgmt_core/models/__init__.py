from . import customer_tier, res_partner
