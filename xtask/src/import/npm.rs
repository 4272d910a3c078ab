//! Packages from the registry through the `npm` client (`npm pack`, `npm view`), cached outside
//! the repository; and the files the importer reads, straight from the tarball.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where tarballs are kept: `$WIX_REST_NPM_CACHE`, else `$XDG_CACHE_HOME/wix-rest/npm`, else
/// `~/.cache/wix-rest/npm`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("WIX_REST_NPM_CACHE") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("wix-rest").join("npm")
}

/// The tarball's file name as `npm pack` writes it: `@wix/auto_sdk_a_b@1.0.2` ->
/// `wix-auto_sdk_a_b-1.0.2.tgz`.
pub fn tarball_name(name: &str, version: &str) -> String {
    format!(
        "{}-{version}.tgz",
        name.trim_start_matches('@').replace('/', "-")
    )
}

fn npm(args: &[&str], cwd: &Path) -> Result<String, String> {
    let out = Command::new("npm")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run `npm` ({e}); install Node.js and npm"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let useful: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.contains("Unknown user config") && !l.trim().is_empty())
            .take(6)
            .collect();
        return Err(format!(
            "`npm {}` failed: {}",
            args.join(" "),
            useful.join(" / ")
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tarball of `name@version`, from the cache or fetched into it.
pub fn fetch(name: &str, version: &str, cache: &Path) -> Result<PathBuf, String> {
    let path = cache.join(tarball_name(name, version));
    if path.is_file() {
        return Ok(path);
    }
    std::fs::create_dir_all(cache)
        .map_err(|e| format!("cannot create the cache {}: {e}", cache.display()))?;
    let dest = cache.to_string_lossy().into_owned();
    npm(
        &[
            "pack",
            &format!("{name}@{version}"),
            "--pack-destination",
            &dest,
            "--silent",
        ],
        cache,
    )
    .map_err(|e| format!("{name}@{version}: {e}"))?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{name}@{version}: `npm pack` wrote no {}",
            path.display()
        ))
    }
}

/// The newest published version of `name`.
pub fn latest(name: &str, cache: &Path) -> Result<String, String> {
    std::fs::create_dir_all(cache)
        .map_err(|e| format!("cannot create the cache {}: {e}", cache.display()))?;
    let out =
        npm(&["view", name, "version", "--json"], cache).map_err(|e| format!("{name}: {e}"))?;
    serde_json::from_str::<String>(out.trim())
        .map_err(|_| format!("{name}: `npm view` answered `{}`", out.trim()))
}

/// The text files of a tarball whose paths `want` accepts (paths without the `package/`
/// prefix), by path.
pub fn read_files(
    tarball: &Path,
    want: impl Fn(&str) -> bool,
) -> Result<BTreeMap<String, String>, String> {
    let file = std::fs::File::open(tarball)
        .map_err(|e| format!("cannot open {}: {e}", tarball.display()))?;
    let gz = flate2::read::GzDecoder::new(file);
    let mut archive = tar::Archive::new(gz);
    let mut out = BTreeMap::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("{}: not a tarball: {e}", tarball.display()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: broken tarball: {e}", tarball.display()))?;
        let path = entry
            .path()
            .map_err(|e| format!("{}: bad path: {e}", tarball.display()))?
            .to_string_lossy()
            .into_owned();
        let rel = path.strip_prefix("package/").unwrap_or(&path).to_owned();
        if !want(&rel) {
            continue;
        }
        // Metadata files are text of a few MB; refuse anything absurd.
        if entry.size() > 64 << 20 {
            return Err(format!(
                "{}: {rel} is larger than 64 MiB",
                tarball.display()
            ));
        }
        let mut text = String::new();
        entry
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: {rel}: {e}", tarball.display()))?;
        out.insert(rel, text);
    }
    Ok(out)
}
