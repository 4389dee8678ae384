//! Every server's settings in memory, so that the reply path reads them without waiting on the
//! database, and answers with the operator's defaults while the database is down.
//!
//! The Discord layer loads a server's settings when the server becomes available (in the
//! background), stores the new settings after a moderator's change, and drops them after
//! `forget`. A server whose settings are not loaded (yet, or because the database was down)
//! gets the defaults: the bot answers as if the server had set nothing, which is safe.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::{Defaults, Settings, StorageError, Store};

#[derive(Debug)]
pub struct SettingsCache {
    defaults: Defaults,
    fallback: Arc<Settings>,
    servers: RwLock<HashMap<u64, Arc<Settings>>>,
}

impl SettingsCache {
    pub fn new(defaults: Defaults) -> SettingsCache {
        SettingsCache {
            fallback: Arc::new(Settings::defaults(&defaults)),
            defaults,
            servers: RwLock::new(HashMap::new()),
        }
    }

    /// The operator's defaults, which every change needs.
    pub fn defaults(&self) -> &Defaults {
        &self.defaults
    }

    /// `server`'s settings as last loaded, or the defaults. Never waits on the database.
    pub fn get(&self, server: u64) -> Arc<Settings> {
        let servers = self.servers.read().unwrap_or_else(|e| e.into_inner());
        servers
            .get(&server)
            .cloned()
            .unwrap_or_else(|| Arc::clone(&self.fallback))
    }

    /// Reads `server`'s settings from the database into the cache. On failure the server
    /// keeps what it had (the defaults if nothing), and the caller may try again later.
    pub async fn load(&self, store: &Store, server: u64) -> Result<Arc<Settings>, StorageError> {
        let settings = store.settings(server, &self.defaults).await?;
        Ok(self.put(server, settings))
    }

    /// Keeps `settings`, as a change returned them.
    pub fn put(&self, server: u64, settings: Settings) -> Arc<Settings> {
        let settings = Arc::new(settings);
        let mut servers = self.servers.write().unwrap_or_else(|e| e.into_inner());
        servers.insert(server, Arc::clone(&settings));
        settings
    }

    /// Forgets `server` (after `forget`, or when the bot leaves it): it gets the defaults.
    pub fn remove(&self, server: u64) {
        let mut servers = self.servers.write().unwrap_or_else(|e| e.into_inner());
        servers.remove(&server);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_until_a_server_is_loaded() {
        let defaults = Defaults {
            auto_answer: vec![1],
            cooldown_seconds: 10,
            support_line: None,
        };
        let cache = SettingsCache::new(defaults.clone());
        assert_eq!(*cache.get(5), Settings::defaults(&defaults));
        let mut own = Settings::defaults(&defaults);
        own.cooldown_seconds.value = 60;
        own.cooldown_seconds.by_server = true;
        cache.put(5, own.clone());
        assert_eq!(*cache.get(5), own);
        assert_eq!(*cache.get(6), Settings::defaults(&defaults));
        cache.remove(5);
        assert_eq!(cache.get(5).cooldown_seconds.value, 10);
    }
}
