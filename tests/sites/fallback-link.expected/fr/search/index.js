vadeSearch.index("fr", {"pages":2,"group":8,"shards":["accueil"],"sizes":[250]});
