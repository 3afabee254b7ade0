//! IP addresses and CIDR ranges, compared as Cedar's `ipaddr` extension does.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use crate::error::{LiteralError, LiteralKind};

const SHAPE: &str = "an IPv4 or IPv6 address, optionally followed by `/prefix`";

/// An address with a prefix length; a bare address has the full prefix
/// (32 or 128) and so is a range of one.
///
/// Host bits below the prefix are kept as written, so `10.0.0.1/8` prints back
/// unchanged, but every range question looks only at the network part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// `None` when `prefix` is longer than the address.
    pub fn new(addr: IpAddr, prefix: u8) -> Option<IpNet> {
        (prefix <= max_prefix(addr)).then_some(IpNet { addr, prefix })
    }

    /// The range holding exactly `addr`.
    pub fn host(addr: IpAddr) -> IpNet {
        IpNet {
            addr,
            prefix: max_prefix(addr),
        }
    }

    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1` or `2001:db8::/32`.
    ///
    /// Like Cedar, IPv6 text with an embedded IPv4 part (`::ffff:1.2.3.4`) is
    /// rejected so each range has one obvious spelling in policies.
    pub fn parse(text: &str) -> Result<IpNet, LiteralError> {
        let malformed = LiteralError::Malformed {
            kind: LiteralKind::IpAddr,
            expected: SHAPE,
        };
        let (addr_text, prefix_text) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        if addr_text.contains(':') && addr_text.contains('.') {
            return Err(malformed);
        }
        // std rejects IPv4 octets with leading zeros, which some parsers read as octal.
        let addr: IpAddr = addr_text.parse().map_err(|_| malformed.clone())?;
        let max = max_prefix(addr);
        let Some(prefix_text) = prefix_text else {
            return Ok(IpNet::host(addr));
        };
        let canonical = prefix_text == "0" || !prefix_text.starts_with('0');
        if prefix_text.is_empty()
            || prefix_text.len() > 3
            || !canonical
            || !prefix_text.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed);
        }
        let prefix: u32 = prefix_text.parse().map_err(|_| malformed)?;
        match u8::try_from(prefix) {
            Ok(prefix) if prefix <= max => Ok(IpNet { addr, prefix }),
            _ => Err(LiteralError::PrefixOutOfRange { prefix, max }),
        }
    }

    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4()
    }

    pub fn is_ipv6(&self) -> bool {
        self.addr.is_ipv6()
    }

    /// Whether every address in `other` is also in `self`. Ranges of different
    /// families never contain each other.
    pub fn contains(&self, other: &IpNet) -> bool {
        if self.is_ipv4() != other.is_ipv4() {
            return false;
        }
        let (low, high) = self.bounds();
        let (other_low, other_high) = other.bounds();
        low <= other_low && other_high <= high
    }

    /// Whether the whole range is loopback: inside 127.0.0.0/8 or exactly ::1.
    pub fn is_loopback(&self) -> bool {
        let loopback = match self.addr {
            IpAddr::V4(_) => IpNet::v4([127, 0, 0, 0], 8),
            IpAddr::V6(_) => IpNet::host(Ipv6Addr::LOCALHOST.into()),
        };
        loopback.contains(self)
    }

    /// Whether the whole range is multicast: inside 224.0.0.0/4 or ff00::/8.
    pub fn is_multicast(&self) -> bool {
        let multicast = match self.addr {
            IpAddr::V4(_) => IpNet::v4([224, 0, 0, 0], 4),
            IpAddr::V6(_) => IpNet {
                addr: Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0).into(),
                prefix: 8,
            },
        };
        multicast.contains(self)
    }

    fn v4(octets: [u8; 4], prefix: u8) -> IpNet {
        IpNet {
            addr: IpAddr::from(octets),
            prefix,
        }
    }

    /// First and last address of the range, as integers within the family.
    fn bounds(&self) -> (u128, u128) {
        let (bits, width) = match self.addr {
            IpAddr::V4(v4) => (u128::from(v4.to_bits()), 32),
            IpAddr::V6(v6) => (v6.to_bits(), 128),
        };
        let host_bits = width - u32::from(self.prefix.min(max_prefix(self.addr)));
        let host_mask = u128::MAX.checked_shr(128 - host_bits).unwrap_or(0);
        (bits & !host_mask, bits | host_mask)
    }
}

fn max_prefix(addr: IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V4(v4) => write!(f, "{v4}")?,
            IpAddr::V6(v6) => write_v6(f, v6)?,
        }
        if self.prefix != max_prefix(self.addr) {
            write!(f, "/{}", self.prefix)?;
        }
        Ok(())
    }
}

/// RFC 5952 text, but always in hex: std prints IPv4-mapped addresses as
/// `::ffff:1.2.3.4`, which [`IpNet::parse`] rejects, and printed values must
/// parse back.
fn write_v6(f: &mut fmt::Formatter<'_>, addr: Ipv6Addr) -> fmt::Result {
    let segments = addr.segments();
    // The longest run of two or more zero segments, the first if tied, becomes `::`.
    let mut longest = (0, 0);
    let mut start = 0;
    for (i, segment) in segments.iter().enumerate() {
        if *segment != 0 {
            start = i + 1;
        } else if i + 1 - start > longest.1 {
            longest = (start, i + 1 - start);
        }
    }
    let write_all = |f: &mut fmt::Formatter<'_>, segments: &[u16]| {
        segments.iter().enumerate().try_for_each(|(i, segment)| {
            let separator = if i > 0 { ":" } else { "" };
            write!(f, "{separator}{segment:x}")
        })
    };
    if longest.1 < 2 {
        return write_all(f, &segments);
    }
    let (head, rest) = segments.split_at(longest.0);
    write_all(f, head)?;
    f.write_str("::")?;
    write_all(f, &rest[longest.1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpNet {
        IpNet::parse(text).unwrap()
    }

    #[test]
    fn parses_and_displays() {
        for text in [
            "10.0.0.1",
            "10.0.0.0/8",
            "::1",
            "2001:db8::/32",
            "0.0.0.0/0",
            "::/0",
        ] {
            assert_eq!(ip(text).to_string(), text);
        }
        assert_eq!(ip("10.0.0.1/32").to_string(), "10.0.0.1");
        assert_eq!(ip("2001:DB8:0:0::1").to_string(), "2001:db8::1");
        assert_eq!(ip("10.0.0.1").prefix(), 32);
        assert_eq!(ip("::1").prefix(), 128);
    }

    #[test]
    fn ipv6_display_is_canonical_hex() {
        let cases = [
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("::ffff:a01:203", "::ffff:a01:203"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("2001:DB8::/32", "2001:db8::/32"),
            ("fe80:0:0:0:0:0:0:0/10", "fe80::/10"),
        ];
        for (input, expected) in cases {
            assert_eq!(ip(input).to_string(), expected, "{input}");
            assert_eq!(ip(expected), ip(input));
        }
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "10.0.0.300",
            "10.0.0",
            "010.0.0.1",
            "10.0.0.1/",
            "10.0.0.1/08",
            "10.0.0.1/+8",
            "10.0.0.1/8/8",
            "10.0.0.1/1000",
            "::ffff:1.2.3.4",
            "::1%eth0",
            " 10.0.0.1",
            "example.com",
        ] {
            assert!(IpNet::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            IpNet::parse("10.0.0.0/33"),
            Err(LiteralError::PrefixOutOfRange {
                prefix: 33,
                max: 32
            })
        );
        assert_eq!(
            IpNet::parse("::/129"),
            Err(LiteralError::PrefixOutOfRange {
                prefix: 129,
                max: 128
            })
        );
    }

    #[test]
    fn range_inclusion() {
        assert!(ip("10.0.0.0/8").contains(&ip("10.1.2.3")));
        assert!(ip("10.0.0.0/8").contains(&ip("10.128.0.0/9")));
        assert!(ip("10.0.0.0/8").contains(&ip("10.0.0.0/8")));
        assert!(!ip("10.0.0.0/9").contains(&ip("10.0.0.0/8")));
        assert!(!ip("10.0.0.0/8").contains(&ip("11.0.0.0")));
        assert!(ip("10.9.9.9/8").contains(&ip("10.0.0.0/8")));
        assert!(ip("0.0.0.0/0").contains(&ip("255.255.255.255")));
        assert!(!ip("0.0.0.0/0").contains(&ip("::1")));
        assert!(!ip("::/0").contains(&ip("10.0.0.1")));
        assert!(ip("2001:db8::/32").contains(&ip("2001:db8:ffff::1")));
        assert!(!ip("2001:db8::/32").contains(&ip("2001:db9::1")));
        assert!(ip("::/0").contains(&ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(ip("2001:db8::1").contains(&ip("2001:db8::1")));
        assert!(!ip("2001:db8::1").contains(&ip("2001:db8::2")));
    }

    #[test]
    fn classification() {
        assert!(ip("127.0.0.1").is_loopback());
        assert!(ip("127.0.0.0/8").is_loopback());
        assert!(!ip("127.0.0.0/7").is_loopback());
        assert!(ip("::1").is_loopback());
        assert!(!ip("::1/127").is_loopback());
        assert!(!ip("10.0.0.1").is_loopback());
        assert!(ip("224.0.0.1").is_multicast());
        assert!(ip("239.0.0.0/8").is_multicast());
        assert!(!ip("224.0.0.0/3").is_multicast());
        assert!(ip("ff02::1").is_multicast());
        assert!(!ip("fe80::1").is_multicast());
        assert!(ip("10.0.0.1").is_ipv4() && !ip("10.0.0.1").is_ipv6());
        assert!(ip("::").is_ipv6() && !ip("::").is_ipv4());
    }

    #[test]
    fn constructor_checks_prefix() {
        let v4 = IpAddr::from([10, 0, 0, 1]);
        assert!(IpNet::new(v4, 32).is_some());
        assert!(IpNet::new(v4, 33).is_none());
        assert_eq!(IpNet::host(v4), ip("10.0.0.1"));
    }
}
