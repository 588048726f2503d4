vadeSearch.index("pt-BR", {"pages":9,"group":8,"shards":["banana"],"sizes":[715]});
