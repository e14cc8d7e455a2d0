//! Where a request comes from, behind reverse proxies.
//!
//! Invariants:
//! - Only from a peer in `--trusted-proxies` is the client address taken from the one header
//!   the proxies set (`--client-ip-header`: `X-Forwarded-For` by default, or `Forwarded`);
//!   from anyone else forwarding headers are ignored (a client cannot claim another address
//!   to slip past the throttle). The other header is never read: a proxy passes through what
//!   the client wrote in it.
//! - Behind trusted proxies the client is the right-most hop that is not itself a trusted
//!   proxy, read from the right; hops left of it are whatever the client wrote and are never
//!   looked at, so a client cannot make the header unreadable. A hop that cannot be read
//!   before an untrusted one is found stops the walk at the nearest trusted address.
//! - The address is resolved once per request, by the server, and every transport reads it
//!   from the request's [`ClientAddress`] extension.

use http::HeaderMap;
use std::net::IpAddr;

/// The client's address as resolved for this request (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The header trusted proxies name the client in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientIpHeader {
    /// `X-Forwarded-For: client, proxy1` (nginx, HAProxy, most load balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    Forwarded,
}

impl ClientIpHeader {
    /// `x-forwarded-for` or `forwarded` (case-insensitive).
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            _ => Err("expected x-forwarded-for or forwarded".into()),
        }
    }
}

/// Networks whose connections are reverse proxies, and the header they name the client in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<(IpAddr, u8)>,
    header: ClientIpHeader,
}

impl TrustedProxies {
    /// A comma-separated list of CIDR networks or single addresses, e.g.
    /// `10.0.0.0/8, 192.0.2.7, fd00::/8`. Empty: none.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((addr, bits)) => (addr, Some(bits)),
                None => (item, None),
            };
            let addr: IpAddr = addr
                .parse()
                .map_err(|_| format!("\"{item}\" is not an address or a CIDR network"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(bits) => bits
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("\"{item}\" has a bad prefix length"))?,
                None => max,
            };
            nets.push((addr, bits));
        }
        Ok(TrustedProxies {
            nets,
            header: ClientIpHeader::default(),
        })
    }

    /// The same proxies, read through `header`.
    pub fn reading(self, header: ClientIpHeader) -> Self {
        Self { header, ..self }
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets
            .iter()
            .any(|(net, bits)| in_network(ip, *net, *bits))
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// One hop of `Forwarded: for=…` or `X-Forwarded-For`: an address, maybe quoted, maybe in
/// brackets, maybe with a port.
fn hop(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim().trim_matches('"');
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = raw.parse() {
        return Some(ip);
    }
    // `192.0.2.7:4711`
    let (addr, _port) = raw.rsplit_once(':')?;
    addr.parse().ok()
}

/// The hops the proxies' header reports, nearest proxy first (right to left); `None` for a
/// hop that is not an address (`unknown`, an obfuscated name, garbage).
fn hops_nearest_first(headers: &HeaderMap, header: ClientIpHeader) -> Vec<Option<IpAddr>> {
    let name = match header {
        ClientIpHeader::XForwardedFor => "x-forwarded-for",
        ClientIpHeader::Forwarded => "forwarded",
    };
    // Lines are read as bytes: a client's non-ASCII byte must not hide the proxy's hop.
    let items: Vec<String> = headers
        .get_all(name)
        .iter()
        .flat_map(|value| {
            String::from_utf8_lossy(value.as_bytes())
                .split(',')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    items
        .iter()
        .rev()
        .map(|item| match header {
            ClientIpHeader::XForwardedFor => hop(item),
            ClientIpHeader::Forwarded => item
                .split(';')
                .find_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    name.trim().eq_ignore_ascii_case("for").then_some(value)
                })
                .and_then(hop),
        })
        .collect()
}

/// The client's address: `peer` itself unless it is a trusted proxy, else the right-most hop
/// of the proxies' header that is not a trusted proxy (the nearest trusted address when the
/// header runs out, or has a hop that is not an address, before one is found).
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let mut nearest = peer;
    for hop in hops_nearest_first(headers, trusted.header) {
        let Some(ip) = hop.map(canonical) else {
            return nearest;
        };
        if !trusted.contains(ip) {
            return ip;
        }
        nearest = ip;
    }
    nearest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            resolve(ip("198.51.100.1"), &spoofed, &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(
            resolve(ip("10.1.2.3"), &spoofed, &trusted),
            ip("203.0.113.9")
        );
        // The right-most untrusted hop: what the client wrote on the left is ignored.
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.5")]);
        assert_eq!(
            resolve(ip("192.0.2.7"), &chain, &trusted),
            ip("203.0.113.9")
        );
        let forwarded = headers(&[(
            "forwarded",
            "for=1.1.1.1, for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.5",
        )]);
        // Only the configured header is read: a `Forwarded` the client wrote, passed through
        // by a proxy that sets `X-Forwarded-For`, names nobody.
        assert_eq!(
            resolve(ip("10.9.9.9"), &forwarded, &trusted),
            ip("10.9.9.9")
        );
        let by_forwarded = trusted.clone().reading(ClientIpHeader::Forwarded);
        assert_eq!(
            resolve(ip("10.9.9.9"), &forwarded, &by_forwarded),
            ip("2001:db8::7")
        );
        assert_eq!(
            resolve(ip("10.9.9.9"), &chain, &by_forwarded),
            ip("10.9.9.9"),
            "X-Forwarded-For is not read when the proxies set Forwarded"
        );
        // Garbage the client wrote left of the proxy's hop changes nothing, nor does a line
        // with bytes that are not ASCII.
        let junk = headers(&[("x-forwarded-for", "junk, 203.0.113.9")]);
        assert_eq!(resolve(ip("10.1.2.3"), &junk, &trusted), ip("203.0.113.9"));
        let mut raw = HeaderMap::new();
        raw.append(
            "x-forwarded-for",
            http::HeaderValue::from_bytes(b"\xff, 203.0.113.10").unwrap(),
        );
        assert_eq!(resolve(ip("10.1.2.3"), &raw, &trusted), ip("203.0.113.10"));
        // Missing or garbage headers: the peer.
        assert_eq!(
            resolve(ip("10.1.2.3"), &HeaderMap::new(), &trusted),
            ip("10.1.2.3")
        );
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(resolve(ip("10.1.2.3"), &garbage, &trusted), ip("10.1.2.3"));
        // A trusted chain: the nearest trusted address when the hop before it is unreadable.
        let through = headers(&[("x-forwarded-for", "unknown, 10.0.0.5")]);
        assert_eq!(resolve(ip("10.1.2.3"), &through, &trusted), ip("10.0.0.5"));
        // Nothing trusted by default.
        assert_eq!(
            resolve(ip("10.1.2.3"), &spoofed, &TrustedProxies::default()),
            ip("10.1.2.3")
        );
        assert_eq!(
            resolve(ip("::ffff:10.1.2.3"), &spoofed, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn lists_parse_or_say_what_is_wrong() {
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
        let v6 = TrustedProxies::parse("fd00::/8").unwrap();
        assert!(v6.contains(ip("fd12::1")));
        assert!(!v6.contains(ip("2001:db8::1")));
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
    }
}
