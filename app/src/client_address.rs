//! Where a request comes from, behind reverse proxies.
//!
//! Invariants:
//! - Only from a peer in `--trusted-proxies` is the client address taken from `Forwarded`
//!   or `X-Forwarded-For`; from anyone else those headers are ignored (a client cannot claim
//!   another address to slip past the throttle).
//! - Behind trusted proxies the client is the right-most hop that is not itself a trusted
//!   proxy (hops left of it are whatever the client wrote).
//! - The address is resolved once per request, by the server, and every transport reads it
//!   from the request's [`ClientAddress`] extension.

use http::HeaderMap;
use std::net::IpAddr;

/// The client's address as resolved for this request (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// Networks whose connections are reverse proxies that set `X-Forwarded-For` / `Forwarded`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

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
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| in_network(ip, *net, *bits))
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

/// The hops a proxy chain reports, left (client side) to right (nearest proxy); `None` when a
/// header is present but unreadable.
fn hops(headers: &HeaderMap) -> Option<Vec<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(http::header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        let mut out = Vec::new();
        for element in forwarded.iter().flat_map(|v| v.split(',')) {
            let Some(value) = element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then_some(value)
            }) else {
                continue;
            };
            out.push(hop(value)?);
        }
        return Some(out);
    }
    let mut out = Vec::new();
    for value in headers.get_all("x-forwarded-for").iter() {
        for item in value.to_str().ok()?.split(',') {
            out.push(hop(item)?);
        }
    }
    Some(out)
}

/// The client's address: `peer` itself unless it is a trusted proxy, else the right-most hop
/// its forwarding headers report that is not a trusted proxy (the left-most hop when all are;
/// `peer` when the headers are missing or unreadable).
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let Some(hops) = hops(headers) else {
        return peer;
    };
    hops.iter()
        .rev()
        .map(|ip| canonical(*ip))
        .find(|ip| !trusted.contains(*ip))
        .or_else(|| hops.first().map(|ip| canonical(*ip)))
        .unwrap_or(peer)
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
        assert_eq!(
            resolve(ip("10.9.9.9"), &forwarded, &trusted),
            ip("2001:db8::7")
        );
        // Missing or garbage headers: the peer.
        assert_eq!(
            resolve(ip("10.1.2.3"), &HeaderMap::new(), &trusted),
            ip("10.1.2.3")
        );
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(resolve(ip("10.1.2.3"), &garbage, &trusted), ip("10.1.2.3"));
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
