"""Service orders (点单/派单/接单): an enterprise orders a service, the university assigns it (派单) to a team
or an expert, who accepts (接单), serves and is rated."""
