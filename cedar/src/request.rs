//! A Cedar request (`principal`, `action`, `resource`, `context`) as a Writ intent (`actor`,
//! `action`, `resource`, `args`), through the name table the import wrote.

use std::str::FromStr;

use serde_json::{Value as Json, json};
use writ_compiler::schema::Schema;
use writ_compiler::types::{RecordTy, Ty};

use crate::model::{CType, Ext, Model, Record};
use crate::names::NameMap;
use crate::values::{Converter, entity_ref};

/// The Cedar type of a Writ type, names mapped back through the table.
fn ctype(ty: &Ty, names: &NameMap) -> Result<CType, String> {
    Ok(match ty {
        Ty::Bool(_) => CType::Bool,
        Ty::Int => CType::Long,
        Ty::String => CType::String,
        Ty::Decimal => CType::Ext(Ext::Decimal),
        Ty::IpAddr => CType::Ext(Ext::Ip),
        Ty::Datetime => CType::Ext(Ext::Datetime),
        Ty::Duration => CType::Ext(Ext::Duration),
        Ty::Entity(writ) => CType::Entity(
            names
                .cedar_type(writ)
                .ok_or_else(|| format!("the entity type `{writ}` is not in the Cedar name table"))?
                .to_string(),
        ),
        Ty::Set(element) => CType::Set(Box::new(ctype(element, names)?)),
        Ty::Record(record) => CType::Record(crecord(record, names)?),
        Ty::Never => CType::Never,
        other => return Err(format!("the type `{other}` does not come from Cedar")),
    })
}

fn crecord(record: &RecordTy, names: &NameMap) -> Result<Record, String> {
    let mut out = Record::default();
    for (name, field) in &record.fields {
        out.fields.insert(
            name.to_string(),
            (ctype(&field.ty, names)?, !field.optional),
        );
    }
    Ok(out)
}

/// Translates a Cedar request into a Writ intent. `schema` is the imported policy set's.
pub fn intent(request: &Json, names: &NameMap, schema: &Schema) -> Result<Json, String> {
    let Json::Object(map) = request else {
        return Err(
            "a Cedar request is an object with `principal`, `action`, `resource` and `context`"
                .into(),
        );
    };
    for key in map.keys() {
        if !["principal", "action", "resource", "context"].contains(&key.as_str()) {
            return Err(format!(
                "unknown field `{key}`; a Cedar request has `principal`, `action`, `resource` and `context`"
            ));
        }
    }
    let model = Model::default();
    let converter = Converter {
        model: &model,
        names,
    };
    let entity = |field: &str| -> Result<Json, String> {
        let value = map.get(field).ok_or_else(|| format!("missing `{field}`"))?;
        let (ty, id) = entity_ref(value, true).ok_or_else(|| {
            format!("`{field}` is not an entity reference such as \"User::\\\"alice\\\"\"")
        })?;
        converter.entity(&ty, &id, &format!("`{field}`"))
    };
    let actor = entity("principal")?;
    let resource = entity("resource")?;
    let action = map.get("action").ok_or("missing `action`")?;
    let (ty, id) = entity_ref(action, true)
        .ok_or("`action` is not an action reference such as \"Action::\\\"view\\\"\"")?;
    let uid = cedar_policy::EntityUid::from_type_name_and_id(
        cedar_policy::EntityTypeName::from_str(&ty)
            .map_err(|_| format!("`{ty}` is not a Cedar entity type name"))?,
        cedar_policy::EntityId::new(&id),
    )
    .to_string();
    let writ_action = names.actions.get(&uid).ok_or_else(|| {
        format!("the action `{uid}` cannot be requested in the imported policy set")
    })?;
    let info = schema
        .actions
        .get(writ_action.as_str())
        .ok_or_else(|| format!("the action `{writ_action}` is not in the policy set's schema"))?;
    let context_ty = crecord(&info.args, names)?;
    let empty = Json::Object(Default::default());
    let args = converter.record(
        map.get("context").unwrap_or(&empty),
        &context_ty,
        "`context`",
    )?;
    Ok(json!({
        "actor": actor,
        "action": writ_action,
        "resource": resource,
        "args": args,
    }))
}
