vadeSearch.index("fr", {"pages":2,"shards":["accueil"],"sizes":[250]});
