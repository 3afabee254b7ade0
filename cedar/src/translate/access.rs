//! Calls of extension functions and methods, attribute and tag reads, and `has` tests: the
//! part of an expression's translation that follows the schema's types into values.

use super::*;

impl Env<'_> {
    pub(super) fn tr_call(&self, e: &CExpr, name: &str, args: &[CExpr]) -> Result<T, Error> {
        let mut ts = Vec::with_capacity(args.len());
        for a in args {
            ts.push(self.tr(a)?);
        }
        let function = |f: &'static str, ty: CType, ts: Vec<T>| {
            T::new(W::Call(f, ts.into_iter().map(|t| t.w).collect()), ty, false)
        };
        let method = |ty: CType, mut ts: Vec<T>| {
            let receiver = ts.remove(0);
            T::new(
                W::Method(
                    bx(receiver.w),
                    name.to_string(),
                    ts.into_iter().map(|t| t.w).collect(),
                ),
                ty,
                false,
            )
        };
        let arity = |n: usize| -> Result<(), Error> {
            if ts.len() == n {
                Ok(())
            } else {
                Err(self.error(e.span, format!("`{name}` takes {n} argument(s)")))
            }
        };
        Ok(match name {
            "decimal" => {
                arity(1)?;
                function("decimal", CType::Ext(Ext::Decimal), ts)
            }
            "ip" => {
                arity(1)?;
                function("ip", CType::Ext(Ext::Ip), ts)
            }
            "datetime" => {
                arity(1)?;
                function("datetime", CType::Ext(Ext::Datetime), ts)
            }
            "duration" => {
                arity(1)?;
                function("duration", CType::Ext(Ext::Duration), ts)
            }
            "lessThan" | "lessThanOrEqual" | "greaterThan" | "greaterThanOrEqual" | "isInRange" => {
                arity(2)?;
                method(CType::Bool, ts)
            }
            "isIpv4" | "isIpv6" | "isLoopback" | "isMulticast" => {
                arity(1)?;
                method(CType::Bool, ts)
            }
            "offset" | "toDate" => {
                arity(if name == "offset" { 2 } else { 1 })?;
                method(CType::Ext(Ext::Datetime), ts)
            }
            "durationSince" => {
                arity(2)?;
                method(CType::Ext(Ext::Duration), ts)
            }
            "toTime" => {
                arity(1)?;
                method(CType::Ext(Ext::Duration), ts)
            }
            "toMilliseconds" | "toSeconds" | "toMinutes" | "toHours" | "toDays" => {
                arity(1)?;
                method(CType::Long, ts)
            }
            other => {
                return Err(self.error(
                    e.span,
                    format!("the extension function `{other}` has no Writ counterpart"),
                ));
            }
        })
    }

    /// `target.attr` for an entity or a record: the Writ expression, its type, and whether it
    /// never fails.
    pub(super) fn attr(
        &self,
        span: Span,
        target: W,
        ty: &CType,
        attr: &str,
        target_pure: bool,
    ) -> Result<(W, CType, bool), Error> {
        match ty {
            CType::Entity(name) => {
                let info = self
                    .model
                    .entities
                    .get(name)
                    .ok_or_else(|| self.error(span, format!("unknown entity type `{name}`")))?;
                let (attr_ty, _) = info.attrs.fields.get(attr).ok_or_else(|| {
                    self.error(span, format!("`{name}` has no attribute `{attr}`"))
                })?;
                Ok((
                    W::Attr(bx(target), self.names.attribute(attr).to_string()),
                    attr_ty.clone(),
                    false,
                ))
            }
            CType::Record(record) => {
                let (field_ty, required) = record
                    .fields
                    .get(attr)
                    .ok_or_else(|| self.error(span, format!("the record has no field `{attr}`")))?;
                let w = if writ_stdlib::is_identifier(attr) {
                    W::Attr(bx(target), attr.to_string())
                } else {
                    W::Index(bx(target), attr.to_string())
                };
                Ok((w, field_ty.clone(), target_pure && *required))
            }
            CType::Action => Err(self.error(span, "attributes of actions cannot be translated")),
            _ => Err(self.error(span, format!("`.{attr}` on a value without attributes"))),
        }
    }

    pub(super) fn tr_has(
        &self,
        e: &CExpr,
        target: &CExpr,
        path: &[smol_str::SmolStr],
    ) -> Result<T, Error> {
        let target = self.tr(target)?;
        let mut ty = target.ty.clone();
        let mut names = Vec::with_capacity(path.len());
        let mut truth = Truth::True;
        for attr in path {
            let (next, required, name) = match &ty {
                CType::Entity(entity) => {
                    let field = self
                        .model
                        .entities
                        .get(entity)
                        .and_then(|i| i.attrs.fields.get(attr.as_str()));
                    // An entity that is not in the store has no attributes at all.
                    truth = Truth::Unknown;
                    match field {
                        Some((t, _)) => (t.clone(), false, self.names.attribute(attr).to_string()),
                        None => return Ok(never(vec![target])),
                    }
                }
                CType::Record(record) => match record.fields.get(attr.as_str()) {
                    Some((t, required)) => (t.clone(), *required, attr.to_string()),
                    None => return Ok(never(vec![target])),
                },
                CType::Action => {
                    return Err(self.error(e.span, "attributes of actions cannot be translated"));
                }
                _ => return Err(self.error(e.span, "`has` on a value without attributes")),
            };
            if !required {
                truth = Truth::Unknown;
            }
            names.push(name);
            ty = next;
        }
        let pure = target.pure;
        Ok(T {
            w: W::Has(bx(target.w), names),
            ty: CType::Bool,
            truth,
            pure,
        })
    }

    /// The Writ attribute holding an entity type's tags, and their type.
    pub(super) fn tags_of(&self, span: Span, ty: &CType) -> Result<(String, CType), Error> {
        let CType::Entity(name) = ty else {
            return Err(self.error(span, "tags are read from an entity"));
        };
        match (
            self.model.entities.get(name).and_then(|i| i.tags.clone()),
            &self.names.tags,
        ) {
            (Some(tag_ty), Some(attr)) => Ok((attr.clone(), tag_ty)),
            _ => Err(self.error(span, format!("entities of type `{name}` have no tags"))),
        }
    }
}
