vadeSearch.index("fr", {"pages":14,"group":8,"shards":["06","confrontees","evidence","liste","powers","simples"],"sizes":[6251,5343,5192,4894,4254,4366]});
