from odoo import api, models
from odoo.tools import SQL


class UtmSource(models.Model):
    _inherit = "utm.source"

    @api.model
    def _sm_merge_into(self, duplicate_xmlid, target_xmlid):
        """Replace the source ``duplicate_xmlid`` by ``target_xmlid`` wherever it is used (every
        stored many2one to utm.source, in SQL: posted or locked documents keep their other
        values), then delete it. Nothing to do once it is gone."""
        duplicate = self.env.ref(duplicate_xmlid, raise_if_not_found=False)
        target = self.env.ref(target_xmlid, raise_if_not_found=False)
        if not duplicate or not target or duplicate == target:
            return False
        self.env.flush_all()
        for model in self.env.registry.values():
            if model._abstract or not model._auto or model._table_query is not None:
                continue
            for field in model._fields.values():
                if field.type == "many2one" and field.comodel_name == self._name and field.store:
                    self.env.execute_query(
                        SQL(
                            "UPDATE %s SET %s = %s WHERE %s = %s",
                            SQL.identifier(model._table),
                            SQL.identifier(field.name),
                            target.id,
                            SQL.identifier(field.name),
                            duplicate.id,
                        )
                    )
        self.env.invalidate_all()
        duplicate.sudo().unlink()
        return True
