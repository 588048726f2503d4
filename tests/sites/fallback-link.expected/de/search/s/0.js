vadeSearch.shard("de", 0, {"checklist":"0,1","das":"0,1","die":"0,1","glossar":"0,1","glossary":"0,1","liste":"0,1","sections":"0,101","siehe":"0,1","startseite":"0,301","und":"0,1"});
