//! The online request form (`POST /feedback/request`): the fields 条例第二十九条 asks for.

use jiff::Timestamp;

use super::model::{ApplicantType, Delivery, RequestChannel};
use super::store::{Applicant, NewRequest};
use crate::feedback::forms::{Fields, FormError, MAX_OPINION_CHARS, MAX_SHORT_CHARS};

/// The longest 身份证件号码 / 统一社会信用代码 / passport number accepted.
pub const MAX_ID_CHARS: usize = 40;

/// The form's fields: applicant_type, name, id_number, contact, address, info (the
/// description of the information), delivery; `token` and the honeypot `website`.
/// `received` is the day the receiver got it (site time zone).
pub fn parse(
    f: &Fields,
    received: jiff::civil::Date,
    now: Timestamp,
) -> Result<NewRequest, FormError> {
    f.honeypot()?;
    let applicant_type = ApplicantType::from_word(&f.required("applicant_type", 20)?)
        .ok_or(FormError::NotAllowed("applicant_type"))?;
    let name = f.required("name", 100)?;
    let id_number = Some(f.required("id_number", MAX_ID_CHARS)?);
    let contact = f.required("contact", MAX_SHORT_CHARS)?;
    let address = f.text("address", MAX_SHORT_CHARS)?;
    let description = f.required("info", MAX_OPINION_CHARS)?;
    let delivery = match f.text("delivery", 20)? {
        None => None,
        Some(d) => Some(Delivery::from_word(&d).ok_or(FormError::NotAllowed("delivery"))?),
    };
    Ok(NewRequest {
        channel: RequestChannel::Web,
        applicant_type,
        applicant: Applicant {
            name,
            id_number,
            contact,
            address,
        },
        description,
        delivery,
        received,
        submitted: now,
        token: f.token(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn parse_body(body: &str) -> Result<NewRequest, FormError> {
        let f = Fields::parse(body.as_bytes()).map_err(|_| FormError::Encoding)?;
        parse(&f, date(2026, 3, 2), Timestamp::UNIX_EPOCH)
    }

    const GOOD: &str =
        "applicant_type=%E8%87%AA%E7%84%B6%E4%BA%BA&name=A&id_number=1&contact=c&info=x";

    #[test]
    fn hostile_fields_are_refused_with_the_field_named() {
        assert!(parse_body(GOOD).is_ok());
        assert_eq!(
            parse_body(&format!("{GOOD}&website=x")).err(),
            Some(FormError::Honeypot)
        );
        assert_eq!(
            parse_body("applicant_type=x&name=A&id_number=1&contact=c&info=x").err(),
            Some(FormError::NotAllowed("applicant_type"))
        );
        let long = "字".repeat(MAX_OPINION_CHARS + 1);
        assert_eq!(
            parse_body(&format!("{GOOD}x{long}")).err(),
            Some(FormError::TooLong {
                field: "info",
                max: MAX_OPINION_CHARS
            })
        );
        assert_eq!(
            parse_body(&format!("{GOOD}&name=B")).err(),
            Some(FormError::Duplicate("name"))
        );
        assert_eq!(
            parse_body(&format!("{GOOD}%01")).err(),
            Some(FormError::Control("info"))
        );
        assert_eq!(
            parse_body(&GOOD.replace("id_number=1", "id_number=+")).err(),
            Some(FormError::Missing("id_number"))
        );
        assert_eq!(
            parse_body(&format!("{GOOD}&delivery=fax")).err(),
            Some(FormError::NotAllowed("delivery"))
        );
    }
}
