/* A shared object without the "cw_plugin" symbol. */
int cwnosym_unrelated(void);

int
cwnosym_unrelated(void)
{
	return 0;
}
