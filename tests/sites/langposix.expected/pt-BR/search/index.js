vadeSearch.index("pt-BR", {"pages":7,"group":8,"shards":["banana"],"sizes":[674]});
